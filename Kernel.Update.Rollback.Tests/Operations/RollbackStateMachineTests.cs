using System.Text;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static Kernel.Update.Rollback.Operations.RollbackPhase;

namespace Kernel.Update.Rollback.Tests.Operations;

public sealed class RollbackStateMachineTests
{
    private static readonly string[] Scope = ["kernel", "drivers", "app"];

    private static OperationJournal NewJournal(string store) => OperationJournalTests.NewJournal(store, Scope);

    private static RollbackStateMachine Machine(OperationJournal journal, IRollbackPhaseActions actions) =>
        new(journal, actions, NullLogger.Instance);

    /// <summary>The phases the journal entered, in order, from the archived journal of a finished operation.</summary>
    private static List<RollbackPhase> JournaledPhases(string store) =>
        File.ReadAllLines(new JournalLayout(store).Last)
            .Select(line => JournalLine.TryDecode(Encoding.UTF8.GetBytes(line), out _, out _))
            .OfType<PhaseEnteredRecord>().Select(r => r.Phase).ToList();

    [Fact]
    public async Task AnUneventfulRollbackRunsEveryPhaseOnceAndCompletes()
    {
        using var store = new TempDirectory();
        var actions = new RecordingPhaseActions();
        using var journal = NewJournal(store);

        var result = await Machine(journal, actions).RunAsync();

        Assert.Equal(Completed, result);
        Assert.Equal([Initializing, CreatingRecoveryPoint, SnapshotValidation, ComponentRollback, ServiceRestoration, Finalization], actions.Ran);
        Assert.Equal(Scope, actions.Restored);
        Assert.Empty(actions.Reverted);
        Assert.Equal(RecordingPhaseActions.SafetyPoint, journal.State.SafetyPointId);
        Assert.Equal(Completed, journal.State.Result);
        Assert.Equal([CreatingRecoveryPoint, SnapshotValidation, ComponentRollback, ServiceRestoration, Finalization, Completed], JournaledPhases(store));
        Assert.Null(OperationJournal.TryLoadInterrupted(store, NullLogger.Instance));
    }

    [Theory]
    [InlineData(ComponentRollback)]
    [InlineData(ServiceRestoration)]
    public async Task AFaultAfterLiveChangesRevertsToTheSafetyPointThenFails(RollbackPhase faulty)
    {
        using var store = new TempDirectory();
        var actions = new RecordingPhaseActions().Fail(faulty, new IOException("disk on fire"));
        using var journal = NewJournal(store);

        var result = await Machine(journal, actions).RunAsync();

        Assert.Equal(Failed, result);
        Assert.Equal(RevertingToSafetyPoint, actions.Ran[^1]);
        Assert.Equal(faulty, actions.Ran[^2]);
        Assert.Equal(Scope, actions.Reverted);
        Assert.Equal(["disk on fire"], journal.State.Errors);
        Assert.Equal([faulty, RevertingToSafetyPoint, Failed], JournaledPhases(store)[^3..]);
    }

    [Theory]
    [InlineData(Initializing)]
    [InlineData(CreatingRecoveryPoint)]
    [InlineData(SnapshotValidation)]
    public async Task AFaultBeforeLiveChangesFailsWithoutARevert(RollbackPhase faulty)
    {
        using var store = new TempDirectory();
        var actions = new RecordingPhaseActions().Fail(faulty,
            new RollbackException(RollbackErrorKind.CorruptedData, "chunk 1234 of point 0123456789ab is damaged"));
        using var journal = NewJournal(store);

        var result = await Machine(journal, actions).RunAsync();

        Assert.Equal(Failed, result);
        Assert.Equal(faulty, actions.Ran[^1]);
        Assert.DoesNotContain(ComponentRollback, actions.Ran);
        Assert.DoesNotContain(RevertingToSafetyPoint, actions.Ran);
        Assert.Empty(actions.Restored);
        Assert.Empty(actions.Reverted);
        Assert.Equal(Failed, JournaledPhases(store)[^1]);
        Assert.DoesNotContain(RevertingToSafetyPoint, JournaledPhases(store));
    }

    [Theory]
    [InlineData(Initializing)]
    [InlineData(CreatingRecoveryPoint)]
    [InlineData(SnapshotValidation)]
    public async Task ACancelBeforeLiveChangesEndsCancelledWithoutARevert(RollbackPhase cancelledIn)
    {
        using var store = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        var actions = new RecordingPhaseActions { OnPhase = (phase, _) => { if (phase == cancelledIn) cancellation.Cancel(); } };
        using var journal = NewJournal(store);

        var result = await Machine(journal, actions).RunAsync(cancellation.Token);

        Assert.Equal(Cancelled, result);
        Assert.Equal(cancelledIn, actions.Ran[^1]);
        Assert.Empty(actions.Restored);
        Assert.Empty(actions.Reverted);
        Assert.True(journal.State.CancelRequested);
        Assert.DoesNotContain(RevertingToSafetyPoint, JournaledPhases(store));
    }

    [Theory]
    [InlineData(ComponentRollback)]
    [InlineData(ServiceRestoration)]
    public async Task ACancelAfterLiveChangesRevertsThenEndsCancelled(RollbackPhase cancelledIn)
    {
        using var store = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        var actions = new RecordingPhaseActions { OnPhase = (phase, _) => { if (phase == cancelledIn) cancellation.Cancel(); } };
        using var journal = NewJournal(store);

        var result = await Machine(journal, actions).RunAsync(cancellation.Token);

        Assert.Equal(Cancelled, result);
        Assert.Equal([cancelledIn, RevertingToSafetyPoint], actions.Ran[^2..]);
        Assert.Equal(Scope, actions.Reverted);
        Assert.Equal([RevertingToSafetyPoint, Cancelled], JournaledPhases(store)[^2..]);
    }

    [Fact]
    public async Task ACancelDuringFinalizationIsTooLateAndTheRollbackCompletes()
    {
        using var store = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        var actions = new RecordingPhaseActions { OnPhase = (phase, _) => { if (phase == Finalization) cancellation.Cancel(); } };
        using var journal = NewJournal(store);

        Assert.Equal(Completed, await Machine(journal, actions).RunAsync(cancellation.Token));
        Assert.Empty(actions.Reverted);
    }

    [Fact]
    public async Task ComponentRollbackThatLeavesAComponentUnjournaledIsAFault()
    {
        using var store = new TempDirectory();
        var actions = new RecordingPhaseActions { JournalRestores = false };
        using var journal = NewJournal(store);

        Assert.Equal(Failed, await Machine(journal, actions).RunAsync());
        Assert.Equal(RevertingToSafetyPoint, actions.Ran[^1]);
        Assert.Contains("every component in scope is journaled restored", Assert.Single(journal.State.Errors));
    }

    [Fact]
    public async Task AMachineOnAJournalLeftInComponentRollbackResumesThereAndSkipsWhatWasDone()
    {
        using var store = new TempDirectory();
        using (var journal = NewJournal(store))
        {
            journal.EnterPhase(CreatingRecoveryPoint);
            journal.RecordSafetyPoint(RecordingPhaseActions.SafetyPoint);
            journal.EnterPhase(SnapshotValidation);
            journal.EnterPhase(ComponentRollback);
            journal.RecordStep("kernel", ComponentSteps.Restored);
        }

        using var resumed = OperationJournal.TryLoadInterrupted(store, NullLogger.Instance)!;
        var actions = new RecordingPhaseActions();
        var machine = Machine(resumed, actions);
        Assert.Equal(ComponentRollback, machine.Phase);

        Assert.Equal(Completed, await machine.RunAsync());
        Assert.Equal([ComponentRollback, ServiceRestoration, Finalization], actions.Ran);
        Assert.Equal(["drivers", "app"], actions.Restored);
        Assert.Equal(0, actions.SafetyPointsTaken);
    }

    [Fact]
    public async Task AProcessThatDiesHalfWayThroughComponentRollbackIsFinishedByTheNext()
    {
        using var store = new TempDirectory();
        var first = new RecordingPhaseActions
        {
            // The process dies after drivers is restored and journaled: nothing after that reaches the journal.
            AfterComponentRestored = (component, journal) =>
            {
                if (component != "drivers")
                    return;
                journal.Dispose();
                throw new SimulatedCrashException();
            },
        };
        using (var journal = NewJournal(store))
            await Assert.ThrowsAsync<SimulatedCrashException>(() => Machine(journal, first).RunAsync());
        Assert.Equal(["kernel", "drivers"], first.Restored);
        Assert.Equal(ComponentRollback, OperationJournal.Inspect(store)!.Phase);

        using var resumed = OperationJournal.TryLoadInterrupted(store, NullLogger.Instance)!;
        var second = new RecordingPhaseActions();
        Assert.Equal(Completed, await Machine(resumed, second).RunAsync());
        Assert.Equal([ComponentRollback, ServiceRestoration, Finalization], second.Ran);
        Assert.Equal(["app"], second.Restored);
        Assert.Equal([CreatingRecoveryPoint, SnapshotValidation, ComponentRollback, ServiceRestoration, Finalization, Completed],
            JournaledPhases(store));
    }

    [Fact]
    public async Task AProcessThatDiesInCreatingRecoveryPointAfterJournalingTheSafetyPointDoesNotTakeASecond()
    {
        using var store = new TempDirectory();
        using (var journal = NewJournal(store))
        {
            journal.EnterPhase(CreatingRecoveryPoint);
            journal.RecordSafetyPoint(RecordingPhaseActions.SafetyPoint);
        }

        using var resumed = OperationJournal.Open(store, NullLogger.Instance);
        var actions = new RecordingPhaseActions();
        Assert.Equal(Completed, await Machine(resumed, actions).RunAsync());
        Assert.Equal(0, actions.SafetyPointsTaken);
        Assert.Equal([SnapshotValidation, ComponentRollback, ServiceRestoration, Finalization], actions.Ran);
    }

    [Fact]
    public async Task AJournaledFaultIsHonouredOnResumeInsteadOfRetryingThePhase()
    {
        using var store = new TempDirectory();
        using (var journal = NewJournal(store))
        {
            journal.EnterPhase(CreatingRecoveryPoint);
            journal.RecordSafetyPoint(RecordingPhaseActions.SafetyPoint);
            journal.EnterPhase(SnapshotValidation);
            journal.EnterPhase(ComponentRollback);
            journal.RecordError(ComponentRollback, "disk on fire");
        }

        using var resumed = OperationJournal.Open(store, NullLogger.Instance);
        var actions = new RecordingPhaseActions();
        Assert.Equal(Failed, await Machine(resumed, actions).RunAsync());
        Assert.Equal([RevertingToSafetyPoint], actions.Ran);
    }

    [Fact]
    public async Task AJournaledCancelIsHonouredOnResume()
    {
        using var store = new TempDirectory();
        using (var journal = NewJournal(store))
        {
            journal.EnterPhase(CreatingRecoveryPoint);
            journal.RecordCancel(CreatingRecoveryPoint);
        }

        using var resumed = OperationJournal.Open(store, NullLogger.Instance);
        var actions = new RecordingPhaseActions();
        Assert.Equal(Cancelled, await Machine(resumed, actions).RunAsync());
        Assert.Empty(actions.Ran);
    }

    [Fact]
    public async Task AFailedRevertStaysJournaledAndIsRetriedByTheNextRun()
    {
        using var store = new TempDirectory();
        var first = new RecordingPhaseActions()
            .Fail(ServiceRestoration, new TimeoutException("app.service did not start in 30 s"))
            .Fail(RevertingToSafetyPoint, new IOException("store unreadable"));
        using (var journal = NewJournal(store))
        {
            var error = await Assert.ThrowsAsync<RollbackException>(() => Machine(journal, first).RunAsync());
            Assert.Equal(RollbackErrorKind.SystemInInvalidState, error.Kind);
            Assert.Contains("rollbackctl recover", error.Message);
            Assert.Contains(RecordingPhaseActions.SafetyPoint, error.Message);
        }
        Assert.Equal(RevertingToSafetyPoint, OperationJournal.Inspect(store)!.Phase);

        using var resumed = OperationJournal.Open(store, NullLogger.Instance);
        var second = new RecordingPhaseActions();
        Assert.Equal(Failed, await Machine(resumed, second).RunAsync());
        Assert.Equal([RevertingToSafetyPoint], second.Ran);
        Assert.Equal(Scope, second.Reverted);
        Assert.Equal(["app.service did not start in 30 s", "store unreadable"], resumed.State.Errors);
    }

    [Fact]
    public async Task AFailedFinalizationStaysJournaledAndIsFinishedByTheNextRun()
    {
        using var store = new TempDirectory();
        var first = new RecordingPhaseActions().Fail(Finalization, new IOException("catalog not writable"));
        using (var journal = NewJournal(store))
        {
            var error = await Assert.ThrowsAsync<RollbackException>(() => Machine(journal, first).RunAsync());
            Assert.Equal(RollbackErrorKind.Failed, error.Kind);
        }
        Assert.Empty(first.Reverted);

        using var resumed = OperationJournal.Open(store, NullLogger.Instance);
        var second = new RecordingPhaseActions();
        Assert.Equal(Completed, await Machine(resumed, second).RunAsync());
        Assert.Equal([Finalization], second.Ran);
    }

    [Fact]
    public async Task AJournalLeftInATerminalPhaseIsOnlyFinished()
    {
        using var store = new TempDirectory();
        using (var journal = NewJournal(store))
        {
            journal.EnterPhase(CreatingRecoveryPoint);
            journal.EnterPhase(Failed);
        }

        using var resumed = OperationJournal.Open(store, NullLogger.Instance);
        var actions = new RecordingPhaseActions();
        Assert.Equal(Failed, await Machine(resumed, actions).RunAsync());
        Assert.Empty(actions.Ran);
        Assert.Null(OperationJournal.TryLoadInterrupted(store, NullLogger.Instance));
    }

    [Fact]
    public async Task AJournalThatCannotBeWrittenStopsTheMachineInsteadOfGuessing()
    {
        using var store = new TempDirectory();
        var actions = new RecordingPhaseActions
        {
            OnPhase = (phase, journal) =>
            {
                if (phase == SnapshotValidation)
                    journal.Dispose();
            },
        };
        using var journal = NewJournal(store);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Machine(journal, actions).RunAsync());
        Assert.Equal(SnapshotValidation, OperationJournal.Inspect(store)!.Phase);
    }
}
