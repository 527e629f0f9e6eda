namespace Kernel.Update.Rollback.Operations;

/// <summary>Facts about phases that the machine, the journal and the callers share.</summary>
public static class RollbackPhases
{
    /// <summary>Completed, Failed and Cancelled: the operation is over and its journal is archived.</summary>
    public static bool IsTerminal(this RollbackPhase phase) =>
        phase is RollbackPhase.Completed or RollbackPhase.Failed or RollbackPhase.Cancelled;

    /// <summary>Phases whose work may have changed live components: a fault or a cancel there reverts to the safety point.</summary>
    public static bool ChangesLive(this RollbackPhase phase) =>
        phase is RollbackPhase.ComponentRollback or RollbackPhase.ServiceRestoration;
}
