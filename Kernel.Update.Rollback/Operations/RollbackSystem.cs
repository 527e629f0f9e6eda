using Kernel.Update.Rollback.Audit;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Operations;

/// <summary>What to roll back: a recovery point (an id, a unique prefix, "latest" or "last-known-good"), components
/// named (null: all the point holds), and whether to add every component that depends on them
/// (<see cref="RollbackScope.Partial"/>) or take exactly those. <see cref="Incremental"/> narrows the components to
/// those whose live tree differs from the point (then adds their dependents unless <see cref="Exact"/>).</summary>
public sealed record RollbackRequest(string PointId, IReadOnlyList<string>? Components, bool Exact, bool Confirmed, string Actor)
{
    public bool Incremental { get; init; }

    /// <summary>Write block devices even while mounted read-write (the file system on them may be damaged).</summary>
    public bool Force { get; init; }

    /// <summary>Components restored before the others where the dependency graph leaves a choice.</summary>
    public IReadOnlyList<string> Priority { get; init; } = [];
}

/// <summary>The outcome of a rollback or a recovery: the end phase, the components in the order they were restored,
/// and every journaled step in the order it happened (services stopped, components restored, services started).</summary>
public sealed record RollbackOutcome(string OperationId, string PointId, RollbackPhase Phase, IReadOnlyList<string> Components, string? SafetyPointId,
    IReadOnlyList<JournalStep> Steps);

/// <summary>
/// The engine's front door for changing the live system. A rollback is journaled before anything happens and
/// driven by <see cref="RollbackStateMachine"/>; an operation interrupted by a crash is finished first, by
/// <see cref="RecoverAsync"/> or by the start of the next rollback.
/// </summary>
public sealed class RollbackSystem(RollbackConfig config, ILogger logger)
{
    private RollbackProgress? _progress;

    /// <summary>Where the running (or last) rollback is, on request; null before the first.</summary>
    public RollbackProgress? Progress => Volatile.Read(ref _progress);

    /// <summary>Raised as every rollback of this instance moves on (phase, percentage, component, bytes), whoever
    /// started it: a monitor's automatic rollback is watched the same way as one the caller started.</summary>
    public event Action<RollbackProgress>? ProgressChanged;

    /// <param name="progress">receives the phase, percentage, component and bytes as they change.</param>
    public async Task<RollbackOutcome> RollBackAsync(RollbackRequest request, CancellationToken cancellation = default,
        IProgress<RollbackProgress>? progress = null)
    {
        if (!request.Confirmed)
            throw new RollbackException(RollbackErrorKind.InvalidInput, "a rollback changes the live system: confirm it with --yes (the API: RollbackRequest.Confirmed)");
        Hash256.WarmUp(); // while the lock is taken and the journal read
        using var storeLock = LockStore(); // no snapshot or prune may touch the store meanwhile
        await RecoverAsync(cancellation, progress);

        var store = RecoveryStore.Open(config.Store);
        var point = store.GetPoint(request.PointId);
        var (scope, components) = Scope(request, store, point);
        var start = DateTimeOffset.UtcNow;
        if (components.Count == 0)
        {
            // Incremental, and nothing differs: there is nothing to change, so no operation is journaled.
            AuditLog.Append(config.Store, new AuditRecord("rollback", point.Id, scope.ToString(), components, request.Actor, start,
                DateTimeOffset.UtcNow, "nothing differs", null), logger);
            return new RollbackOutcome("none", point.Id, RollbackPhase.Completed, [], null, []);
        }
        try
        {
            using var journal = OperationJournal.Create(config.Store, scope, point.Id, components, request.Actor, logger, request.Force);
            var outcome = await Drive(journal, cancellation, progress);
            AuditLog.Append(config.Store, new AuditRecord("rollback", point.Id, scope.ToString(), components, request.Actor, start,
                DateTimeOffset.UtcNow, outcome.Phase.ToString(), null), logger);
            return outcome;
        }
        catch (Exception e)
        {
            AuditLog.Append(config.Store, new AuditRecord("rollback", point.Id, scope.ToString(), components, request.Actor, start,
                DateTimeOffset.UtcNow, "failed", e.Message), logger);
            throw;
        }
    }

    /// <summary>Finishes (or reverts) an operation a crash interrupted; null when there was none.</summary>
    public async Task<RollbackOutcome?> RecoverAsync(CancellationToken cancellation = default, IProgress<RollbackProgress>? progress = null)
    {
        using var storeLock = LockStore();
        using var journal = OperationJournal.TryLoadInterrupted(config.Store, logger);
        return journal is null ? null : await Drive(journal, cancellation, progress);
    }

    /// <summary>The store's writer lock for the whole operation; null when there is no store yet (then there is nothing to roll back to).</summary>
    private StoreLock? LockStore()
    {
        var layout = new StoreLayout(config.Store);
        return Directory.Exists(layout.Root) ? StoreLock.Acquire(layout) : null;
    }

    private async Task<RollbackOutcome> Drive(OperationJournal journal, CancellationToken cancellation, IProgress<RollbackProgress>? progress)
    {
        void Report(RollbackProgress now)
        {
            Volatile.Write(ref _progress, now);
            progress?.Report(now);
            ProgressChanged?.Invoke(now);
        }
        using var actions = new LiveRollbackActions(config, logger, Report);
        var phase = await new RollbackStateMachine(journal, actions, logger).RunAsync(cancellation);
        var last = Progress;
        Report(new RollbackProgress(journal.State.OperationId, phase, 100, null, last?.BytesDone ?? 0, last?.BytesTotal ?? 0));
        if (phase == RollbackPhase.Failed && actions.LastError is { } error)
            throw error;
        if (phase == RollbackPhase.Failed)
            throw new RollbackException(RollbackErrorKind.Failed,
                $"rollback {journal.State.OperationId} to {journal.State.TargetPointId} failed and was reverted: {string.Join("; ", journal.State.Errors)}");
        return new RollbackOutcome(journal.State.OperationId, journal.State.TargetPointId, phase, journal.State.Components, journal.State.SafetyPointId,
            [.. journal.State.Steps]);
    }

    /// <summary>
    /// The emergency path: every component the last-known-good point holds goes back to it, with nothing to choose
    /// and nothing skipped (the safety point, validation and the journal all stay: shortest, but safe). A pending
    /// update ends with it: whatever it changed is gone.
    /// </summary>
    public async Task<RollbackOutcome> EmergencyRollBackAsync(bool confirmed, string actor, CancellationToken cancellation = default,
        IProgress<RollbackProgress>? progress = null)
    {
        var outcome = await RollBackAsync(new RollbackRequest(LastKnownGood.Alias, null, false, confirmed, actor), cancellation, progress);
        if (outcome.Phase == RollbackPhase.Completed && Updates.PendingUpdate.Find(config.Store) is { } pending)
            Updates.PendingUpdate.Abandon(config.Store, pending.Id);
        return outcome;
    }

    /// <summary>The components in scope, dependencies first: the named ones plus their dependents, or exactly them;
    /// for an incremental rollback, only those of them whose live tree differs from the point (plus dependents).</summary>
    private (RollbackScope Scope, List<string> Components) Scope(RollbackRequest request, RecoveryStore store, RecoveryPointRecord point)
    {
        var inPoint = point.Components.Select(c => c.Name).ToList();
        if (request.Incremental)
        {
            var live = new LiveComponents(config, store, logger);
            var changed = (request.Components is { Count: > 0 } named ? named : inPoint)
                .Where(name => point.Components.FirstOrDefault(c => c.Name == name) is { } c && !live.Diff(point, c).IsEmpty).ToList();
            var narrowed = Scope(request with { Components = changed, Incremental = false }, store, point).Components;
            return (RollbackScope.Incremental, changed.Count == 0 ? [] : narrowed);
        }
        if (request.Components is not { Count: > 0 } names)
            return (RollbackScope.FullSystem, WhereConfigured(point, config.Graph.RestoreOrder(inPoint, request.Priority).Select(c => c.Name).ToList()));
        foreach (string name in names)
            if (!inPoint.Contains(name))
                throw new RollbackException(RollbackErrorKind.NotFound,
                    $"recovery point {request.PointId} has no snapshot of component '{name}' (it has: {string.Join(", ", inPoint)})");
        var scope = request.Exact ? names.ToHashSet() : config.Graph.DependentsClosure(names).ToHashSet();
        foreach (string name in scope)
            if (!inPoint.Contains(name))
                throw new RollbackException(RollbackErrorKind.InvalidInput,
                    $"component {name} depends on {string.Join(", ", names)} and must go back with it, but recovery point {request.PointId} has no snapshot of it (use --exact to take only the named components)");
        return (request.Exact ? RollbackScope.Component : RollbackScope.Partial, WhereConfigured(point, config.Graph.RestoreOrder(scope, request.Priority).Select(c => c.Name).ToList()));
    }

    /// <summary>
    /// A rollback writes a component where its recovery point says it was taken. That must be where the configuration
    /// puts the component today: otherwise a point taken before the configuration changed, or a store written by
    /// someone else, could point the rollback of one component at another's tree or at any block device.
    /// </summary>
    private List<string> WhereConfigured(RecoveryPointRecord point, List<string> components)
    {
        foreach (string name in components)
        {
            var record = point.Components.First(c => c.Name == name);
            var configured = config.Components.FirstOrDefault(c => c.Name == name);
            string? path = configured?.Path ?? (configured?.Block is { } block ? record.Path : null);
            if (configured is null || record.Path != path || record.Block != configured.Block)
                throw new RollbackException(RollbackErrorKind.InvalidInput,
                    $"component {name}: recovery point {point.Id} holds it from {record.Block ?? record.Path}, but the configuration "
                    + (configured is null ? "has no such component" : $"puts it at {configured.Block ?? configured.Path}")
                    + "; a rollback writes only where the configuration names the component");
        }
        return components;
    }
}
