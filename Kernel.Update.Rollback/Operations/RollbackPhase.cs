namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The phases of one rollback operation (DESIGN.md, "The phase machine"). The journal records the phase
/// on entry, before its work starts, so after a crash the operation resumes in the phase it was in.
/// </summary>
public enum RollbackPhase
{
    /// <summary>Checks that can refuse the operation; nothing is written.</summary>
    Initializing,
    /// <summary>Takes a PreRollback safety point of the components in scope, so the rollback can itself be undone.</summary>
    CreatingRecoveryPoint,
    /// <summary>Reads and hashes every chunk the rollback will need; nothing live has changed yet.</summary>
    SnapshotValidation,
    /// <summary>Stops services (dependents first) and restores components (dependencies first), each restore idempotent.</summary>
    ComponentRollback,
    /// <summary>Starts services (dependencies first) and checks their health.</summary>
    ServiceRestoration,
    /// <summary>Records the result; every component in scope equals the target.</summary>
    Finalization,
    /// <summary>Terminal: the rollback is done.</summary>
    Completed,
    /// <summary>Restores the components in scope from the safety point after a fault or a cancel once live changes began.</summary>
    RevertingToSafetyPoint,
    /// <summary>Terminal: the rollback failed and the device is as it was before it.</summary>
    Failed,
    /// <summary>Terminal: the rollback was cancelled and the device is as it was before it.</summary>
    Cancelled,
}
