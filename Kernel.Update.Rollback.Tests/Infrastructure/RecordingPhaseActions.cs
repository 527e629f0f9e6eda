using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>
/// Phase actions that do no real work: they record which phases ran, journal the component steps a real
/// implementation would, and fail, cancel or "crash" where a test says. The unit under test is the machine.
/// </summary>
internal sealed class RecordingPhaseActions : IRollbackPhaseActions
{
    private readonly Dictionary<RollbackPhase, (Exception Error, int Times)> _failures = [];

    public const string SafetyPoint = "5afe00000001";

    /// <summary>The phases whose work ran, in order (a phase run again after a crash appears again).</summary>
    public List<RollbackPhase> Ran { get; } = [];

    /// <summary>Components this instance restored (those already journaled restored are skipped, as a real restore would find nothing to do).</summary>
    public List<string> Restored { get; } = [];

    public List<string> Reverted { get; } = [];

    public int SafetyPointsTaken { get; private set; }

    /// <summary>When false, ComponentRollback "forgets" to journal its components (the machine's guard must catch it).</summary>
    public bool JournalRestores { get; set; } = true;

    /// <summary>Runs at the start of a phase's work, before any failure; a test's hook to cancel or crash there.</summary>
    public Action<RollbackPhase, OperationJournal>? OnPhase { get; set; }

    /// <summary>Called after each component is restored and journaled; a hook to crash half-way.</summary>
    public Action<string, OperationJournal>? AfterComponentRestored { get; set; }

    /// <summary>The work of <paramref name="phase"/> throws <paramref name="error"/>, the first <paramref name="times"/> times.</summary>
    public RecordingPhaseActions Fail(RollbackPhase phase, Exception error, int times = int.MaxValue)
    {
        _failures[phase] = (error, times);
        return this;
    }

    public Task InitializeAsync(OperationJournal journal, CancellationToken cancellation) => Run(RollbackPhase.Initializing, journal, cancellation);

    public async Task<string> CreateSafetyPointAsync(OperationJournal journal, CancellationToken cancellation)
    {
        await Run(RollbackPhase.CreatingRecoveryPoint, journal, cancellation);
        SafetyPointsTaken++;
        return SafetyPoint;
    }

    public Task ValidateAsync(OperationJournal journal, CancellationToken cancellation) => Run(RollbackPhase.SnapshotValidation, journal, cancellation);

    public async Task RollBackComponentsAsync(OperationJournal journal, CancellationToken cancellation)
    {
        await Run(RollbackPhase.ComponentRollback, journal, cancellation);
        foreach (string component in journal.State.Components)
        {
            cancellation.ThrowIfCancellationRequested();
            if (journal.State.IsDone(component, ComponentSteps.Restored))
                continue;
            Restored.Add(component);
            if (JournalRestores)
                journal.RecordStep(component, ComponentSteps.Restored);
            AfterComponentRestored?.Invoke(component, journal);
        }
    }

    public Task RestoreServicesAsync(OperationJournal journal, CancellationToken cancellation) => Run(RollbackPhase.ServiceRestoration, journal, cancellation);

    public Task FinalizeAsync(OperationJournal journal, CancellationToken cancellation) => Run(RollbackPhase.Finalization, journal, cancellation);

    public async Task RevertToSafetyPointAsync(OperationJournal journal, CancellationToken cancellation)
    {
        await Run(RollbackPhase.RevertingToSafetyPoint, journal, cancellation);
        foreach (string component in journal.State.Components)
        {
            if (journal.State.IsDone(component, ComponentSteps.Reverted))
                continue;
            Reverted.Add(component);
            journal.RecordStep(component, ComponentSteps.Reverted);
        }
    }

    private async Task Run(RollbackPhase phase, OperationJournal journal, CancellationToken cancellation)
    {
        Ran.Add(phase);
        await Task.Yield();
        OnPhase?.Invoke(phase, journal);
        cancellation.ThrowIfCancellationRequested();
        if (_failures.TryGetValue(phase, out var failure) && failure.Times > 0)
        {
            _failures[phase] = (failure.Error, failure.Times - 1);
            throw failure.Error;
        }
    }
}

/// <summary>Stands for the process dying: thrown after the test closed the journal, so nothing more is written.</summary>
internal sealed class SimulatedCrashException() : Exception("simulated crash");
