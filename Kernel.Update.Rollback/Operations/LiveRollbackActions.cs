using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Verification;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The phases' work for a rollback of tree components to a recovery point: a PreRollback safety point of
/// the scope, verification of everything the point needs, then each component restored in place
/// (dependencies first) and journaled once durable. Every method is idempotent: a delta restore of a
/// component that already equals its target changes nothing.
/// Services are not handled yet: components without services roll back fully; see issue 3.
/// </summary>
public sealed class LiveRollbackActions(RollbackConfig config, ILogger logger) : IRollbackPhaseActions
{
    /// <summary>The failure that sent the machine down a fault edge in this process, with its kind, for the exit code.</summary>
    public RollbackException? LastError { get; private set; }

    public Task InitializeAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        var point = Point(journal);
        foreach (string name in journal.State.Components)
            Component(point, name);
    });

    public Task<string> CreateSafetyPointAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        string id = new Snapshotter(config, logger).Create(
            new SnapshotRequest($"before rollback to {journal.State.TargetPointId}", RecoveryPointReason.PreRollback, journal.State.Components),
            cancellation).Id;
        ReleaseMemory();
        return id;
    });

    /// <summary>Phases run back to back in one process; what one phase built (walk results, manifests, indexes) is
    /// garbage by the next. Collecting it here, in the control plane, keeps the peak of a rollback near the peak of
    /// its largest phase on a device with little memory.</summary>
    private static void ReleaseMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>Proves the manifests of the scope and every chunk of every file the rollback will write, as the live
    /// tree stands now (what is already equal is not rewritten, so its chunks are not needed).</summary>
    public Task ValidateAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        var store = RecoveryStore.Open(config.Store);
        var point = store.GetPoint(journal.State.TargetPointId);
        var live = new LiveComponents(config, store, logger);
        var needed = new HashSet<Hash256>();
        foreach (string name in journal.State.Components)
            foreach (var entry in live.Diff(point, Component(point, name)).Create)
                foreach (var chunk in entry.Chunks)
                    needed.Add(chunk.Hash);
        var report = new StoreVerifier(config.Store).Verify(journal.State.TargetPointId, cancellation, needed);
        ReleaseMemory();
        if (!report.Clean)
            throw new RollbackException(RollbackErrorKind.CorruptedData,
                $"recovery point {journal.State.TargetPointId} is damaged, so nothing live was changed: {report.Problems[0]}");
    });

    public Task RollBackComponentsAsync(OperationJournal journal, CancellationToken cancellation) =>
        RestoreAll(journal, journal.State.TargetPointId, ComponentSteps.Restored, cancellation);

    public Task RestoreServicesAsync(OperationJournal journal, CancellationToken cancellation) => Task.CompletedTask;

    public Task FinalizeAsync(OperationJournal journal, CancellationToken cancellation) => Task.CompletedTask;

    public Task RevertToSafetyPointAsync(OperationJournal journal, CancellationToken cancellation) =>
        RestoreAll(journal, journal.State.SafetyPointId ?? throw new RollbackException(RollbackErrorKind.SystemInInvalidState,
            "the rollback must be reverted but no safety point was journaled"), ComponentSteps.Reverted, CancellationToken.None);

    private Task RestoreAll(OperationJournal journal, string pointId, string step, CancellationToken cancellation) => Run(() =>
    {
        var store = RecoveryStore.Open(config.Store);
        var point = store.GetPoint(pointId);
        var live = new LiveComponents(config, store, logger);
        foreach (string name in journal.State.Components)
        {
            cancellation.ThrowIfCancellationRequested();
            if (journal.State.IsDone(name, step))
                continue;
            live.Restore(point, Component(point, name), cancellation); // durable (syncfs) before it returns
            journal.RecordStep(name, step);
        }
    });

    private RecoveryPointRecord Point(OperationJournal journal) => RecoveryStore.Open(config.Store).GetPoint(journal.State.TargetPointId);

    private static ComponentSnapshotRecord Component(RecoveryPointRecord point, string name) =>
        point.Components.FirstOrDefault(c => c.Name == name)
        ?? throw new RollbackException(RollbackErrorKind.NotFound,
            $"recovery point {point.Id} has no snapshot of component '{name}' (it has: {string.Join(", ", point.Components.Select(c => c.Name))})");

    private Task Run(Action work) => Run(() =>
    {
        work();
        return true;
    });

    /// <summary>Runs synchronous work (the engine's I/O is synchronous), remembering a typed failure for the caller's exit code.</summary>
    private Task<T> Run<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (RollbackException e)
        {
            LastError = e;
            return Task.FromException<T>(e);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
