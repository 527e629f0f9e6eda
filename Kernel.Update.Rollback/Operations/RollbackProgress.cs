namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// Where a rollback is: its phase, an overall percentage, the component being worked on (null between
/// components), and the bytes of file content the restore writes, done and in all (known from validation on).
/// Reported through <see cref="IProgress{T}"/> as it changes and readable at any time from
/// <see cref="RollbackSystem.Progress"/>.
/// </summary>
public sealed record RollbackProgress(string OperationId, RollbackPhase Phase, int Percent, string? Component, long BytesDone, long BytesTotal)
{
    /// <summary>The share of the whole each phase starts at: the restore of components is most of the work.</summary>
    public static int StartOf(RollbackPhase phase) => phase switch
    {
        RollbackPhase.Initializing => 0,
        RollbackPhase.CreatingRecoveryPoint => 5,
        RollbackPhase.SnapshotValidation => 30,
        RollbackPhase.ComponentRollback => 50,
        RollbackPhase.ServiceRestoration => 90,
        RollbackPhase.Finalization => 97,
        _ => 100,
    };
}
