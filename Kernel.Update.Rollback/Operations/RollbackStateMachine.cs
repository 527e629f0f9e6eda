using Kernel.Update.Rollback.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stateless;
using Stateless.Reflection;
using static Kernel.Update.Rollback.Operations.RollbackPhase;
using static Kernel.Update.Rollback.Operations.RollbackTrigger;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The phase machine of one rollback (DESIGN.md, "The phase machine"), a Stateless machine whose state lives
/// in the <see cref="OperationJournal"/>: reading the state reads the journal, and a transition appends the
/// new phase durably before the phase's entry action (its work, from <see cref="IRollbackPhaseActions"/>) runs.
/// <para>
/// Stateless sets the state before OnEntry runs, so a crash or a throwing action leaves the machine in the new
/// phase. That is the intent: <see cref="RunAsync"/> always starts by running the journaled phase's work again
/// (which is why every action is idempotent), or by taking the edge a journaled fault or cancel had decided.
/// </para>
/// <para>
/// Faults before any live change end in Failed; in ComponentRollback or ServiceRestoration they revert to the
/// safety point first. A cancel does the same but ends in Cancelled. Finalization and the revert are never
/// given up: if they fail the operation stays journaled in that phase for <c>rollbackctl recover</c>.
/// Not thread-safe, control plane only.
/// </para>
/// </summary>
public sealed class RollbackStateMachine
{
    private readonly StateMachine<RollbackPhase, RollbackTrigger> _machine;
    private readonly StateMachine<RollbackPhase, RollbackTrigger>.TriggerWithParameters<string> _fault;
    private readonly OperationJournal? _journal;
    private readonly IRollbackPhaseActions? _actions;
    private readonly ILogger _logger;
    private CancellationToken _cancellation;

    public RollbackStateMachine(OperationJournal journal, IRollbackPhaseActions actions, ILogger logger)
        : this(() => journal.State.Phase, journal.EnterPhase, journal, actions, logger)
    {
    }

    private RollbackStateMachine(Func<RollbackPhase> readPhase, Action<RollbackPhase> writePhase,
        OperationJournal? journal, IRollbackPhaseActions? actions, ILogger logger)
    {
        _journal = journal;
        _actions = actions;
        _logger = logger;
        // Immediate: nothing fires from inside an action, and a throwing action must not leave triggers queued.
        // Cancel has no edge out of Finalization and the revert: RunAsync never fires it there (MustFinish).
        _machine = new StateMachine<RollbackPhase, RollbackTrigger>(readPhase, writePhase, FiringMode.Immediate);
        _fault = _machine.SetTriggerParameters<string>(Fault);
        Configure();
    }

    /// <summary>The journaled phase.</summary>
    public RollbackPhase Phase => _machine.State;

    /// <summary>The same definition with its state in memory, for exporting the diagram; it cannot run.</summary>
    internal static RollbackStateMachine ForDiagram()
    {
        var phase = Initializing;
        return new RollbackStateMachine(() => phase, p => phase = p, journal: null, actions: null, NullLogger.Instance);
    }

    internal StateMachineInfo GetInfo() => _machine.GetInfo();

    private OperationJournal Journal => _journal ?? throw new InvalidOperationException("this machine only describes the phases");

    private void Configure()
    {
        _machine.OnTransitioned(t => Log.PhaseEntered(_logger, Journal.State.OperationId, t.Destination));

        _machine.Configure(Initializing)
            .Permit(Begin, CreatingRecoveryPoint)
            .Permit(Fault, Failed)
            .Permit(Cancel, Cancelled);

        _machine.Configure(CreatingRecoveryPoint)
            .OnEntryAsync(() => RunWorkAsync(CreatingRecoveryPoint), "take a PreRollback safety point of the scope")
            .PermitIf(SafetyPointTaken, SnapshotValidation, () => Journal.State.SafetyPointId is not null, "a safety point is journaled")
            .Permit(Fault, Failed)
            .Permit(Cancel, Cancelled);

        _machine.Configure(SnapshotValidation)
            .OnEntryAsync(() => RunWorkAsync(SnapshotValidation), "read and hash every chunk the rollback needs")
            .Permit(Validated, ComponentRollback)
            .Permit(Fault, Failed)
            .Permit(Cancel, Cancelled);

        _machine.Configure(ComponentRollback)
            .OnEntryAsync(() => RunWorkAsync(ComponentRollback), "stop services dependents first, restore components dependencies first")
            .PermitIf(ComponentsRestored, ServiceRestoration, () => Journal.State.AllAt(ComponentSteps.Restored),
                "every component in scope is journaled restored")
            .Permit(Fault, RevertingToSafetyPoint)
            .Permit(Cancel, RevertingToSafetyPoint);

        _machine.Configure(ServiceRestoration)
            .OnEntryAsync(() => RunWorkAsync(ServiceRestoration), "start services dependencies first, check health")
            .Permit(ServicesRestored, Finalization)
            .Permit(Fault, RevertingToSafetyPoint)
            .Permit(Cancel, RevertingToSafetyPoint);

        _machine.Configure(Finalization)
            .OnEntryAsync(() => RunWorkAsync(Finalization), "record the result")
            .Permit(Finalized, Completed);

        _machine.Configure(RevertingToSafetyPoint)
            .OnEntryFrom(_fault, LogFault, "log the fault")
            .OnEntryAsync(() => RunWorkAsync(RevertingToSafetyPoint), "restore the scope from the safety point")
            .PermitIf(Reverted, Failed, () => !Journal.State.CancelRequested, "the revert followed a fault")
            .PermitIf(Reverted, Cancelled, () => Journal.State.CancelRequested, "the revert followed a cancel");

        _machine.Configure(Failed)
            .OnEntryFrom(_fault, LogFault, "log the fault");
        _machine.Configure(Completed);
        _machine.Configure(Cancelled);
    }

    /// <summary>
    /// Drives the operation from its journaled phase to Completed, Failed or Cancelled, archives the journal and
    /// returns the terminal phase. <paramref name="cancellation"/> cancels before Finalization; after live changes
    /// began that means a revert, which (like Finalization) runs to the end whatever the token says.
    /// Throws when the operation cannot go on in this process: a journal write failed, or Finalization or the
    /// revert failed; the journal then stays for <c>rollbackctl recover</c>.
    /// </summary>
    public async Task<RollbackPhase> RunAsync(CancellationToken cancellation = default)
    {
        var journal = Journal;
        _cancellation = cancellation;
        var state = journal.State;
        Func<Task>? step = null;
        if (!state.Phase.IsTerminal())
        {
            if (state.Phase != Initializing)
                Log.OperationResumed(_logger, state.OperationId, state.Phase);
            step = Resume(state);
        }
        while (step is not null)
        {
            Exception? failure = await AttemptAsync(step);
            step = _machine.State.IsTerminal() ? null : Decide(_machine.State, failure);
        }
        var result = _machine.State;
        journal.Finish(result);
        Log.OperationFinished(_logger, state.OperationId, result);
        return result;
    }

    /// <summary>The first step in the journaled phase: the edge a journaled fault or cancel decided, else the phase's work again.</summary>
    private Func<Task> Resume(JournalState state)
    {
        if (!MustFinish(state.Phase))
        {
            if (state.PendingCancel)
                return () => _machine.FireAsync(Cancel);
            if (state.PendingFault is { } error)
                return () => _machine.FireAsync(_fault, error);
        }
        var phase = state.Phase;
        return () => RunWorkAsync(phase);
    }

    /// <summary>What to do after the work of <paramref name="phase"/> ended: journal a fault or cancel and take its edge, or move on.</summary>
    private Func<Task> Decide(RollbackPhase phase, Exception? failure)
    {
        var journal = Journal;
        if (failure is null && _cancellation.IsCancellationRequested && !MustFinish(phase))
            failure = new OperationCanceledException(_cancellation);
        if (failure is null)
        {
            var next = NextTrigger(phase);
            if (_machine.CanFire(next, out ICollection<string> unmet))
                return () => _machine.FireAsync(next);
            failure = new RollbackException(RollbackErrorKind.Failed,
                $"phase {phase} ended but {string.Join(" and ", unmet)} does not hold");
        }

        if (failure is OperationCanceledException && _cancellation.IsCancellationRequested && !MustFinish(phase))
        {
            Log.CancelRequested(_logger, journal.State.OperationId, phase);
            journal.RecordCancel(phase);
            return () => _machine.FireAsync(Cancel);
        }
        string message = failure.Message;
        journal.RecordError(phase, message);
        if (MustFinish(phase))
        {
            // Giving up here would leave the device half rolled back (or the result unrecorded): stay journaled.
            Log.PhaseMustFinish(_logger, journal.State.OperationId, phase, message);
            throw phase == RevertingToSafetyPoint
                ? new RollbackException(RollbackErrorKind.SystemInInvalidState,
                    $"rollback {journal.State.OperationId} could not revert to safety point {journal.State.SafetyPointId}: {message}; " +
                    "the components in scope may be part-way; run 'rollbackctl recover' to retry the revert", failure)
                : new RollbackException(RollbackErrorKind.Failed,
                    $"rollback {journal.State.OperationId} restored every component but could not finalize: {message}; " +
                    "run 'rollbackctl recover' to finish it", failure);
        }
        return () => _machine.FireAsync(_fault, message);
    }

    /// <summary>Runs a step; a failure is returned to be journaled, unless the journal can no longer record it.</summary>
    private async Task<Exception?> AttemptAsync(Func<Task> step)
    {
        try
        {
            await step();
            return null;
        }
        catch (Exception e) when (Journal.CanAppend)
        {
            return e;
        }
    }

    private async Task RunWorkAsync(RollbackPhase phase)
    {
        var journal = Journal;
        var actions = _actions!;
        switch (phase)
        {
            case Initializing:
                await actions.InitializeAsync(journal, _cancellation);
                break;
            case CreatingRecoveryPoint:
                // A point taken but not journaled before a crash is an orphan PreRollback point; retention prunes it.
                if (journal.State.SafetyPointId is null)
                    journal.RecordSafetyPoint(await actions.CreateSafetyPointAsync(journal, _cancellation));
                break;
            case SnapshotValidation:
                await actions.ValidateAsync(journal, _cancellation);
                break;
            case ComponentRollback:
                await actions.RollBackComponentsAsync(journal, _cancellation);
                break;
            case ServiceRestoration:
                await actions.RestoreServicesAsync(journal, _cancellation);
                break;
            case Finalization:
                await actions.FinalizeAsync(journal, CancellationToken.None);
                break;
            case RevertingToSafetyPoint:
                await actions.RevertToSafetyPointAsync(journal, CancellationToken.None);
                break;
        }
    }

    private void LogFault(string error, StateMachine<RollbackPhase, RollbackTrigger>.Transition transition) =>
        Log.PhaseFaulted(_logger, Journal.State.OperationId, transition.Source, error);

    private static bool MustFinish(RollbackPhase phase) => phase is Finalization or RevertingToSafetyPoint;

    private static RollbackTrigger NextTrigger(RollbackPhase phase) => phase switch
    {
        Initializing => Begin,
        CreatingRecoveryPoint => SafetyPointTaken,
        SnapshotValidation => Validated,
        ComponentRollback => ComponentsRestored,
        ServiceRestoration => ServicesRestored,
        Finalization => Finalized,
        RevertingToSafetyPoint => Reverted,
        _ => throw new InvalidOperationException($"{phase} is terminal"),
    };
}
