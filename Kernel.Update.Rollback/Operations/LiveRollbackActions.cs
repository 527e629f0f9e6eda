using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Restore.Block;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Restore.Subvolumes;
using Kernel.Update.Rollback.Services;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The phases' work for a rollback of tree components to a recovery point: a PreRollback safety point of
/// the scope, verification of everything the point needs, then each component restored in place
/// (dependencies first) and journaled once durable. Every method is idempotent: a delta restore of a
/// component that already equals its target changes nothing.
/// Within one run nothing is computed twice: the target's manifests are read once; the safety point's walk of
/// the live tree is the comparison (<see cref="ManifestComparer"/>), and that plan is what the restore carries
/// out; the chunks validation decodes to prove them are the ones the restore writes (<see cref="ChunkStage"/>).
/// That validation (<see cref="RollbackPreparation"/>) starts as soon as the safety point has read the live system and
/// runs on the other core while the point is committed: it changes nothing live, and SnapshotValidation waits for it.
/// A run resumed after a crash compares the live tree again, since it is wherever the crash left it.
/// Services: all of the scope's are stopped before the first component is restored, dependents first (each
/// component's in reverse of their listed order), and started after the last, dependencies first (in listed
/// order); each component's stop and start is journaled, so a resumed phase does not repeat it. A revert stops,
/// restores and starts again on a best-effort basis: a service that will not stop or start is logged, and the
/// files are put back regardless.
/// </summary>
public sealed class LiveRollbackActions(RollbackConfig config, ILogger logger, Action<RollbackProgress>? report = null) : IRollbackPhaseActions, IDisposable
{
    private long _bytesTotal;
    private long _bytesDone;

    private readonly Dictionary<string, Manifest> _target = new(StringComparer.Ordinal);
    // The validation this run's safety point started as soon as it had read the live system (it is still so until the
    // restore begins), running while the point is committed; SnapshotValidation takes its result.
    private Task<RollbackPreparation>? _preparing;
    private CancellationTokenSource? _preparingCancel;
    // What SnapshotValidation prepared, for ComponentRollback: each component's plan is removed as it is carried out.
    private RollbackPreparation? _prepared;
    private string? _safetyPointTakenHere;

    /// <summary>The failure that sent the machine down a fault edge in this process, with its kind, for the exit code.</summary>
    public RollbackException? LastError { get; private set; }

    public Task InitializeAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        Report(journal, RollbackPhase.Initializing, null);
        var point = Point(journal);
        foreach (string name in journal.State.Components)
            if (Component(point, name).Block is { } block && !journal.State.Force)
                BlockImage.RefuseIfMounted(name, config.LocateBlock(block));
    });

    public Task<string> CreateSafetyPointAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        Report(journal, RollbackPhase.CreatingRecoveryPoint, null);
        StopPreparing();
        var store = RecoveryStore.Open(config.Store);
        var target = TargetManifests(store, journal);
        var point = store.GetPoint(journal.State.TargetPointId);
        var components = journal.State.Components.ToList();
        string id = new Snapshotter(config, logger).Create(
            new SnapshotRequest($"before rollback to {journal.State.TargetPointId}", RecoveryPointReason.PreRollback, journal.State.Components)
            {
                QuickCheckAgainst = target,
                QuickCheckFingerprints = TargetFingerprints(store, journal),
                // The plans and the proof of their chunks need only the live manifests and the target: they are made on
                // the other core while this one commits the point (manifests encoded and fsynced, the catalog replaced).
                ContentRead = live =>
                {
                    _preparingCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                    var token = _preparingCancel.Token;
                    _preparing = Task.Run(() => RollbackPreparation.Prepare(config, logger, point, components, target, live, token), token);
                },
            },
            cancellation).Id;
        _safetyPointTakenHere = id;
        ReleaseMemory();
        return id;
    });

    /// <summary>Phases run back to back in one process; what one phase built (walk results, manifests, indexes) is
    /// garbage by the next. Collecting it here, in the control plane, keeps the peak of a rollback near the peak of
    /// its largest phase on a device with little memory, once the heap is large enough for that to matter: below
    /// <see cref="ReleaseThreshold"/> the collection cannot give back more than that, and it costs a full mark and
    /// compaction of what lives. On the minbase tree (a heap of ~10 MiB here) it took 8-14 ms of a 0.2 s rollback
    /// for a peak 3-5 MiB lower (40-41 instead of 43-44 MiB, below the 44.7 MiB of that tree's first snapshot).</summary>
    private static void ReleaseMemory()
    {
        if (GC.GetTotalMemory(forceFullCollection: false) >= ReleaseThreshold)
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private const long ReleaseThreshold = 16L << 20;

    /// <summary>Proves every chunk of every file the rollback will write, as the live tree stands now (what is
    /// already equal is not rewritten, so its chunks are not needed), keeping the plans and the proven chunks for
    /// <see cref="RollBackComponentsAsync"/>. After this run's own safety point that work is already under way (see
    /// <see cref="CreateSafetyPointAsync"/>) and is waited for; a resumed run compares the live system again.</summary>
    public Task ValidateAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        Report(journal, RollbackPhase.SnapshotValidation, null);
        bool fresh = journal.State.SafetyPointId is { } id && id == _safetyPointTakenHere;
        RollbackPreparation prepared;
        if (fresh && _preparing is { } preparing)
        {
            _preparing = null;
            prepared = preparing.GetAwaiter().GetResult(); // its failure, typed, is this phase's
        }
        else
        {
            StopPreparing();
            var store = RecoveryStore.Open(config.Store);
            prepared = RollbackPreparation.Prepare(config, logger, store.GetPoint(journal.State.TargetPointId), journal.State.Components,
                TargetManifests(store, journal), live: null, cancellation);
        }
        _prepared?.Dispose();
        _prepared = prepared;
        _bytesTotal = prepared.BytesTotal;
        _bytesDone = 0;
        if (prepared.Report is { Clean: false } report)
            throw new RollbackException(RollbackErrorKind.CorruptedData,
                $"recovery point {journal.State.TargetPointId} is damaged, so nothing live was changed: {report.Problems[0]}");
    });

    /// <summary>Ends a preparation this run started and no phase will take (a failed safety point, a revert, the end).</summary>
    private void StopPreparing()
    {
        if (_preparing is not { } preparing)
            return;
        _preparing = null;
        _preparingCancel?.Cancel();
        try
        {
            preparing.GetAwaiter().GetResult().Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException or RollbackException or IOException)
        {
            // Nothing of it was used; the phase that failed says why the rollback did not go on.
        }
        _preparingCancel?.Dispose();
        _preparingCancel = null;
    }

    public async Task RollBackComponentsAsync(OperationJournal journal, CancellationToken cancellation)
    {
        try
        {
            Report(journal, RollbackPhase.ComponentRollback, null);
            await Run(() => StopServices(journal, ComponentSteps.ServicesStopped, bestEffort: false, cancellation));
            await RestoreAll(journal, journal.State.TargetPointId, ComponentSteps.Restored, cancellation);
        }
        finally
        {
            Forget();
        }
    }

    public Task RestoreServicesAsync(OperationJournal journal, CancellationToken cancellation) => Run(() =>
    {
        Report(journal, RollbackPhase.ServiceRestoration, null);
        StartServices(journal, ComponentSteps.ServicesStarted, bestEffort: false, cancellation);
    });

    public Task FinalizeAsync(OperationJournal journal, CancellationToken cancellation)
    {
        Report(journal, RollbackPhase.Finalization, null);
        return Task.CompletedTask;
    }

    /// <summary>Reports where the run is; within ComponentRollback the share done follows the bytes written.</summary>
    private void Report(OperationJournal journal, RollbackPhase phase, string? component)
    {
        if (report is null)
            return;
        int percent = RollbackProgress.StartOf(phase);
        if (phase == RollbackPhase.ComponentRollback && _bytesTotal > 0)
            percent += (int)((RollbackProgress.StartOf(RollbackPhase.ServiceRestoration) - percent) * Math.Min(1.0, (double)_bytesDone / _bytesTotal));
        report(new RollbackProgress(journal.State.OperationId, phase, percent, component, _bytesDone, _bytesTotal));
    }

    public async Task RevertToSafetyPointAsync(OperationJournal journal, CancellationToken cancellation)
    {
        Forget();
        string safetyPoint = journal.State.SafetyPointId ?? throw new RollbackException(RollbackErrorKind.SystemInInvalidState,
            "the rollback must be reverted but no safety point was journaled");
        await Run(() => StopServices(journal, ComponentSteps.ServicesStoppedForRevert, bestEffort: true, CancellationToken.None));
        await RestoreAll(journal, safetyPoint, ComponentSteps.Reverted, CancellationToken.None);
        await Run(() => StartServices(journal, ComponentSteps.ServicesStartedAfterRevert, bestEffort: true, CancellationToken.None));
    }

    /// <summary>Stops the scope's services, dependents first (the reverse of the restore order), journaling each component's.</summary>
    private void StopServices(OperationJournal journal, string step, bool bestEffort, CancellationToken cancellation)
    {
        var components = journal.State.Components;
        for (int i = components.Count - 1; i >= 0; i--)
        {
            var services = ServicesOf(components[i]);
            if (services.Count == 0 || journal.State.IsDone(components[i], step))
                continue;
            for (int s = services.Count - 1; s >= 0; s--)
                Act(journal, components[i], services[s], ServiceCommand.Action.Stop, bestEffort, cancellation);
            journal.RecordStep(components[i], step);
        }
    }

    /// <summary>Starts the scope's services, dependencies first (the restore order), journaling each component's.</summary>
    private void StartServices(OperationJournal journal, string step, bool bestEffort, CancellationToken cancellation)
    {
        foreach (string component in journal.State.Components)
        {
            var services = ServicesOf(component);
            if (services.Count == 0 || journal.State.IsDone(component, step))
                continue;
            foreach (var service in services)
                Act(journal, component, service, ServiceCommand.Action.Start, bestEffort, cancellation);
            journal.RecordStep(component, step);
        }
    }

    private void Act(OperationJournal journal, string component, ServiceSpec service, ServiceCommand.Action action, bool bestEffort,
        CancellationToken cancellation)
    {
        string verb = action == ServiceCommand.Action.Stop ? "stop" : "start";
        Log.ServiceAction(logger, journal.State.OperationId, verb, component, service.ToString());
        try
        {
            ServiceCommand.Run(component, service, action, new StoreLayout(config.Store).Temp, cancellation);
        }
        catch (RollbackException e) when (bestEffort)
        {
            Log.RevertServiceFailed(logger, journal.State.OperationId, verb, component, service.ToString(), e.Message);
        }
    }

    private IReadOnlyList<ServiceSpec> ServicesOf(string component) =>
        config.Components.FirstOrDefault(c => c.Name == component)?.Services ?? [];

    /// <summary>
    /// Restores the scope's components in order, each recorded done once durable. Tree components restored in place go
    /// in batches (<see cref="TreeRestores"/>) that share their syncs; a block component or a subvolume swap, durable on
    /// its own, first finishes the batch before it, so each component is restored after the ones before it are durable
    /// and recorded, except within a batch, whose components are recorded together, in order.
    /// </summary>
    private Task RestoreAll(OperationJournal journal, string pointId, string step, CancellationToken cancellation) => Run(() =>
    {
        var store = RecoveryStore.Open(config.Store);
        var point = store.GetPoint(pointId);
        var live = new LiveComponents(config, store, logger);
        // Validation's plan holds while this run has changed nothing since; it is for the target, never a revert.
        bool toTarget = step == ComponentSteps.Restored;
        using var batch = new TreeRestores();
        void Done(string name, long written)
        {
            journal.RecordStep(name, step);
            if (toTarget)
            {
                _bytesDone += written;
                Report(journal, RollbackPhase.ComponentRollback, name);
            }
        }
        void FinishBatch()
        {
            if (batch.Count == 0)
                return;
            foreach (var restore in batch.Finish())
                Done(restore.Name, DataOf(restore.Content.Plan));
        }
        foreach (string name in journal.State.Components)
        {
            cancellation.ThrowIfCancellationRequested();
            if (journal.State.IsDone(name, step))
                continue;
            if (toTarget)
                Report(journal, RollbackPhase.ComponentRollback, name);
            var record = Component(point, name);
            if (record.Block is not null)
            {
                FinishBatch();
                var plan = toTarget ? _prepared?.BlockPlans.GetValueOrDefault(name) : null;
                long written = live.RestoreBlock(point, record, cancellation, plan, plan is null ? null : _prepared!.Stage, journal.State.Force).BytesToWrite; // flushed and read back
                _prepared?.BlockPlans.Remove(name);
                Done(name, written);
            }
            else
            {
                var plan = toTarget ? _prepared?.Plans.GetValueOrDefault(name) : null;
                if (SubvolumeSwap.IsWorthIt(plan))
                {
                    FinishBatch();
                    if (SubvolumeSwap.TryRestore(config, store, point, record, logger)) // durable (syncfs) before it returns
                    {
                        _prepared?.Forget(name);
                        Done(name, DataOf(plan));
                        continue;
                    }
                }
                var restore = plan is null
                    ? live.BeginRestore(point, record, cancellation, distrust: Rewritable(store, journal, point, record, step))
                    : live.BeginRestore(point, record, cancellation, plan, _prepared!.Stage, _prepared.Clones.GetValueOrDefault(name));
                // made durable by FinishBatch
                batch.Add(restore);
                _prepared?.Forget(name);
            }
        }
        FinishBatch();
    });

    /// <summary>For a restore that compares the live tree again (resumed after a crash, or a revert): the files of the point
    /// being restored that this operation rewrites in one direction or the other, which a power cut may have left with
    /// their snapshot size and mtime but not all of their data (<see cref="TreeRestores"/> sets metadata before its one
    /// sync). The other point is the safety point for a rollback and the target for a revert.</summary>
    private static HashSet<string> Rewritable(RecoveryStore store, OperationJournal journal, RecoveryPointRecord restoring,
        ComponentSnapshotRecord record, string step)
    {
        string? otherId = step == ComponentSteps.Restored ? journal.State.SafetyPointId : journal.State.TargetPointId;
        var otherPoint = otherId is null ? null : store.FindPoint(otherId);
        var otherRecord = otherPoint?.Components.FirstOrDefault(c => c.Name == record.Name);
        // Without the other side (not expected: the safety point is of the scope), every file is compared by content.
        var other = otherRecord is null ? null : store.LoadManifest(otherPoint!, otherRecord);
        return ManifestComparer.ContentChanges(store.LoadManifest(restoring, record), other);
    }

    /// <summary>The file data a tree plan writes, for progress (none without a plan: a swap during a revert).</summary>
    private static long DataOf(LivePlan? plan)
    {
        long bytes = 0;
        foreach (var entry in plan?.Create ?? [])
            bytes += entry.DataLength;
        return bytes;
    }

    /// <summary>Drops what this run computed once it may no longer hold (the restore began or is done).</summary>
    private void Forget()
    {
        StopPreparing();
        _prepared?.Dispose();
        _prepared = null;
        _target.Clear();
        _safetyPointTakenHere = null;
    }

    public void Dispose() => Forget();

    private Dictionary<string, Manifest> TargetManifests(RecoveryStore store, OperationJournal journal)
    {
        if (_target.Count == 0)
        {
            var point = store.GetPoint(journal.State.TargetPointId);
            foreach (string name in journal.State.Components)
                _target[name] = store.LoadManifest(point, Component(point, name));
        }
        return _target;
    }

    /// <summary>The target's block chunk fingerprints, by component (those it has); damaged ones fail the rollback as corruption.</summary>
    private static Dictionary<string, ChunkFingerprints> TargetFingerprints(RecoveryStore store, OperationJournal journal)
    {
        var point = store.GetPoint(journal.State.TargetPointId);
        var result = new Dictionary<string, ChunkFingerprints>(StringComparer.Ordinal);
        foreach (string name in journal.State.Components)
            if (store.LoadFingerprints(Component(point, name)) is { } fingerprints)
                result[name] = fingerprints;
        return result;
    }

    private RecoveryPointRecord Point(OperationJournal journal) => RecoveryStore.Open(config.Store).GetPoint(journal.State.TargetPointId);

    private static ComponentSnapshotRecord Component(RecoveryPointRecord point, string name) => RollbackPreparation.Component(point, name);

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
