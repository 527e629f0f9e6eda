namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The work of each phase, supplied by the caller; <see cref="RollbackStateMachine"/> decides when it runs.
/// Every method must be idempotent: after a crash the machine resumes in the journaled phase and runs that
/// phase's method again from the start, with whatever part of it had been done before. Use
/// <see cref="OperationJournal.State"/> to skip components already at a step and
/// <see cref="OperationJournal.RecordStep"/> to record one once its effect is durable.
/// A method fails by throwing; the machine takes the fault edge of the phase.
/// </summary>
public interface IRollbackPhaseActions
{
    /// <summary>Checks that may refuse the rollback (the point exists, the scope resolves, there is room). Writes nothing.</summary>
    Task InitializeAsync(OperationJournal journal, CancellationToken cancellation);

    /// <summary>Takes a PreRollback recovery point of the components in scope and returns its id; the machine
    /// journals it. Not called again once a safety point is journaled.</summary>
    Task<string> CreateSafetyPointAsync(OperationJournal journal, CancellationToken cancellation);

    /// <summary>Reads and hashes every chunk the rollback will need. Throws CorruptedData before anything live changes.</summary>
    Task ValidateAsync(OperationJournal journal, CancellationToken cancellation);

    /// <summary>Stops services (dependents first) and restores each component (dependencies first), recording
    /// <see cref="ComponentSteps.Restored"/> for each; the machine moves on only when every component in scope has it.</summary>
    Task RollBackComponentsAsync(OperationJournal journal, CancellationToken cancellation);

    /// <summary>Starts services (dependencies first) and checks their health.</summary>
    Task RestoreServicesAsync(OperationJournal journal, CancellationToken cancellation);

    /// <summary>Records the result (catalog flags, audit). Runs to the end: it is not cancellable.</summary>
    Task FinalizeAsync(OperationJournal journal, CancellationToken cancellation);

    /// <summary>Puts every component in scope back to the safety point and restarts services. Runs to the end: it is
    /// not cancellable. If it throws, the operation stays journaled in RevertingToSafetyPoint for recovery.</summary>
    Task RevertToSafetyPointAsync(OperationJournal journal, CancellationToken cancellation);
}
