using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// The control API served by the engine: status, progress and health from what the engine and the monitor know;
/// snapshot and rollback through the same calls as <c>rollbackctl snapshot</c> and <c>rollbackctl rollback</c>.
/// </summary>
/// <remarks>
/// One writer at a time: the store's flock (<see cref="StoreLock"/>) refuses a writer in another process, or in another
/// flow of this one (the monitor's own automatic rollback), at once (InvalidState, "store ... is in use by another
/// operation (pid N)"). This handler also admits one snapshot or rollback of its own at a time and refuses the next
/// with a message naming who asked for the running one, at once and with InvalidState (exit code 2): an update agent
/// retries, nothing waits in a queue it cannot see. Reads (status, progress, health) are never held up.
/// <para>Wiring: the handler publishes through <paramref name="publish"/>, which is the server's
/// <see cref="ControlServer.Publish"/>; build the server after the handler with a lambda that reaches it.</para>
/// </remarks>
/// <param name="latestHealth">the monitor's last health sample; null before the first.</param>
public sealed class EngineControlHandler(RollbackConfig config, ILogger logger, RollbackSystem system, Func<SystemHealth?> latestHealth,
    Action<ControlEvent> publish) : IControlHandler
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private RunningOperation? _running;

    // Every rollback of the shared system publishes its progress, the monitor's automatic ones too. Synchronous on
    // purpose: Progress<T> posts to the thread pool, which could deliver reports out of order and after "finished".
    private readonly bool _publishesProgress = Subscribe(system, publish);

    public Task<JsonNode?> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation) => request.Op switch
    {
        ControlOps.Status => Task.FromResult(Status()),
        ControlOps.Progress => Task.FromResult(Node(new ProgressResult(Activity().Running, system.Progress), ControlJsonContext.Default.ProgressResult)),
        ControlOps.Health => Task.FromResult(Node(new HealthResult(latestHealth()), ControlJsonContext.Default.HealthResult)),
        ControlOps.Snapshot => SnapshotAsync(request, peer, cancellation),
        ControlOps.Rollback => RollbackAsync(request, peer, cancellation),
        _ => throw new RollbackException(RollbackErrorKind.InvalidInput, $"op '{request.Op}' is not served here"),
    };

    private JsonNode? Status()
    {
        var (running, runningOp, operation) = Activity();
        var catalog = RecoveryStore.Open(config.Store).Catalog;
        var status = new StatusResult(running, runningOp, operation, system.Progress, LastKnownGood.Find(catalog)?.Id, catalog.PendingUpdatePointId,
            latestHealth()?.Level);
        return Node(status, ControlJsonContext.Default.StatusResult);
    }

    /// <summary>What this handler runs now, and the rollback the store's journal says is under way (run through this
    /// API, by another process such as the CLI, or interrupted).</summary>
    private (bool Running, string? RunningOp, OperationStatus? Operation) Activity()
    {
        var running = Volatile.Read(ref _running);
        var journal = OperationJournal.Inspect(config.Store);
        var operation = journal is { Finished: false }
            ? new OperationStatus(journal.OperationId, journal.TargetPointId, journal.Scope, journal.Phase, journal.Components, journal.Actor,
                journal.Started, ThroughApi: running?.Op == ControlOps.Rollback)
            : null;
        return (running is not null || operation is not null, running?.Op, operation);
    }

    /// <summary>As <c>rollbackctl snapshot</c>: a Manual recovery point of the components named (all when none).</summary>
    private async Task<JsonNode?> SnapshotAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation)
    {
        using var writer = EnterWriter(ControlOps.Snapshot, request.Name ?? "(unnamed)", peer);
        var snapshot = new SnapshotRequest(request.Name, RecoveryPointReason.Manual, request.Components) { Actor = peer.Actor };
        var clock = Stopwatch.StartNew();
        // Snapshotter works synchronously on its own worker threads; keep the connection's thread free meanwhile.
        var point = await Task.Run(() => new Snapshotter(config, logger).Create(snapshot, cancellation), cancellation);
        var result = new SnapshotResult(point.Id, point.Sequence, point.Name, point.Reason, point.Created, clock.ElapsedMilliseconds,
            point.Components.Sum(c => c.ReadBytes), point.Components.Sum(c => c.AddedBytes), point.Components);
        return Node(result, ControlJsonContext.Default.SnapshotResult);
    }

    /// <summary>As <c>rollbackctl rollback --yes --json</c>: runs to the end, publishing "started", each progress report and
    /// "finished" (with the outcome or the error) meanwhile, and answers the outcome.</summary>
    private async Task<JsonNode?> RollbackAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(request.Point))
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                "a rollback needs \"point\": a recovery point id, a unique prefix of one, \"latest\" or \"last-known-good\"");
        if (!request.Confirm)
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"a rollback changes the live system: send \"confirm\": true to roll back to {request.Point} (nothing was changed)");
        using var writer = EnterWriter(ControlOps.Rollback, "to " + request.Point, peer);
        var engineRequest = new RollbackRequest(request.Point, request.Components, request.Exact, Confirmed: true, peer.Actor)
        {
            Incremental = request.Incremental,
            Force = request.Force,
        };
        var started = new RollbackEventData(RollbackEventData.Started, request.Point, request.Components, request.Exact, request.Incremental,
            request.Force, peer.Actor, null, null);
        publish(ControlEvent.ForRollback(started));
        RollbackResult result;
        try
        {
            var outcome = await Task.Run(() => system.RollBackAsync(engineRequest, cancellation), cancellation);
            result = RollbackResult.From(outcome);
        }
        catch (Exception e)
        {
            var error = e is RollbackException known ? ControlError.Of(known) : ControlError.Of(RollbackErrorKind.Failed, e.Message);
            publish(ControlEvent.ForRollback(started with { Status = RollbackEventData.Finished, Error = error }));
            throw;
        }
        publish(ControlEvent.ForRollback(started with { Status = RollbackEventData.Finished, Outcome = result }));
        return Node(result, ControlJsonContext.Default.RollbackResult);
    }

    /// <summary>Admits one snapshot or rollback at a time (see the remarks); the next is refused, not queued.</summary>
    private Admission EnterWriter(string op, string detail, ControlPeer peer)
    {
        if (!_writer.Wait(0))
        {
            var busy = Volatile.Read(ref _running);
            string what = busy is null ? "another operation" : $"a {busy.Op} {busy.Detail} (asked by {busy.Peer} at {busy.Started:O})";
            throw new RollbackException(RollbackErrorKind.InvalidState,
                $"this monitor is running {what}; {op} refused, try again when it has finished");
        }
        Volatile.Write(ref _running, new RunningOperation(op, detail, peer, DateTimeOffset.UtcNow));
        return new Admission(this);
    }

    private static JsonNode? Node<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.SerializeToNode(value, type);

    private sealed record RunningOperation(string Op, string Detail, ControlPeer Peer, DateTimeOffset Started);

    private readonly struct Admission(EngineControlHandler handler) : IDisposable
    {
        public void Dispose()
        {
            Volatile.Write(ref handler._running, null);
            handler._writer.Release();
        }
    }

    private static bool Subscribe(RollbackSystem system, Action<ControlEvent> publish)
    {
        system.ProgressChanged += progress => publish(ControlEvent.ForProgress(progress));
        return true;
    }
}
