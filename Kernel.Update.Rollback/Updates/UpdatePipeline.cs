using Kernel.Update.Rollback.Audit;
using Kernel.Update.Rollback.Boot;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Services;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Updates;

/// <summary>
/// A guarded update: a PreUpdate recovery point of the components it changes (and everything that depends on
/// them), committed together with the mark that an update is pending; then the update runs. A non-zero exit
/// (UpdateFailure) or running out of time (TimeoutExceeded) rolls the components back at once. After success
/// the update stays pending until <c>mark-good</c> — or, with a commit window, health is watched that long: a
/// critical component (with the monitor's hysteresis) rolls the update back, a quiet window confirms it.
/// </summary>
public sealed class UpdatePipeline(RollbackConfig config, ILogger logger, Func<CancellationToken, Task<SystemHealth>>? sampleHealth = null)
{
    public async Task<UpdateOutcome> RunAsync(UpdateRequest request, CancellationToken cancellation = default)
    {
        if (request.Components.Count == 0)
            throw new RollbackException(RollbackErrorKind.InvalidInput, "an update needs the components it changes (--components a,b)");
        if (request.Command.Count == 0 && request.Apply is null)
            throw new RollbackException(RollbackErrorKind.InvalidInput, "an update needs a command to run (after --)");
        var scope = config.Graph.RestoreOrder(config.Graph.DependentsClosure(request.Components)).Select(c => c.Name).ToList();
        var system = new RollbackSystem(config, logger);
        await system.RecoverAsync(cancellation);

        var start = DateTimeOffset.UtcNow;
        var point = new Snapshotter(config, logger).Create(
            new SnapshotRequest($"before update: {Shorten(request.Description)}", RecoveryPointReason.PreUpdate, scope) { Update = UpdateMark.BeginPending },
            cancellation);
        BootProtection.Begin(config, point.Id);
        Log.UpdateStarted(logger, point.Id, request.Description);

        int? exit = await ApplyAsync(request, cancellation);
        UpdateOutcome outcome;
        if (exit != 0)
        {
            var kind = exit is null ? TriggerKind.TimeoutExceeded : TriggerKind.UpdateFailure;
            string reason = exit is null
                ? $"the update ({Shorten(request.Description)}) did not finish within {request.Timeout!.Value.TotalSeconds:0.###} s and was killed"
                : $"the update ({Shorten(request.Description)}) exited {exit}";
            outcome = await RollBackAsync(point, exit, new TriggerEvent(kind, reason, scope), request.Actor, cancellation);
        }
        else if (request.CommitAfter is { } window)
            outcome = await WatchAsync(point, scope, window, request.Actor, cancellation);
        else
            outcome = new UpdateOutcome(point.Id, UpdateResult.Pending, 0, null, null, null);

        AuditLog.Append(config.Store, new AuditRecord("update", point.Id, outcome.Result.ToString(), scope, request.Actor, start, DateTimeOffset.UtcNow,
            outcome.Result.ToString(), outcome.Rollback?.Report.Reason), logger);
        return outcome;
    }

    private static async Task<int?> ApplyAsync(UpdateRequest request, CancellationToken cancellation)
    {
        if (request.Apply is null)
            return await ForegroundCommand.RunAsync(request.Command, request.Timeout, cancellation);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (request.Timeout is { } timeout)
            limit.CancelAfter(timeout);
        try
        {
            return await request.Apply(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested && limit.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The commit window: sample health every monitor interval (or more often in a short window) until it
    /// ends; a trigger rolls the update back, a quiet window confirms it.</summary>
    private async Task<UpdateOutcome> WatchAsync(RecoveryPointRecord point, List<string> scope, TimeSpan window, string actor, CancellationToken cancellation)
    {
        if (sampleHealth is not null)
        {
            var evaluator = new TriggerEvaluator(config.Monitor.BadSamples);
            var interval = TimeSpan.FromTicks(Math.Min(config.Monitor.Interval.Ticks, Math.Max(window.Ticks / (2 * config.Monitor.BadSamples + 2), TimeSpan.FromMilliseconds(50).Ticks)));
            var end = DateTimeOffset.UtcNow + window;
            while (DateTimeOffset.UtcNow < end)
            {
                var sample = await sampleHealth(cancellation);
                if (evaluator.Observe(sample) is { } trigger)
                {
                    // Whatever failed, the update is the change being judged: all of it goes back.
                    var whole = trigger with { Reason = $"within the commit window: {trigger.Reason}", FailingComponents = scope };
                    return await RollBackAsync(point, 0, whole, actor, cancellation);
                }
                var left = end - DateTimeOffset.UtcNow;
                if (left > TimeSpan.Zero)
                    await Task.Delay(left < interval ? left : interval, cancellation);
            }
        }
        var good = UpdateConfirmation.Confirm(config, logger, cancellation);
        return new UpdateOutcome(point.Id, UpdateResult.Committed, 0, null, null, good.Id);
    }

    private async Task<UpdateOutcome> RollBackAsync(RecoveryPointRecord point, int? exit, TriggerEvent trigger, string actor,
        CancellationToken cancellation)
    {
        var rollback = await new TriggeredRollback(config, logger, new RollbackSystem(config, logger))
            .RunAsync(trigger, TargetRule.PendingUpdateFirst, actor, cancellation, targetPointId: point.Id);
        if (rollback.Completed)
            PendingUpdate.Abandon(config.Store, point.Id);
        return new UpdateOutcome(point.Id, rollback.Completed ? UpdateResult.RolledBack : UpdateResult.RollbackFailed, exit, trigger.Kind, rollback, null);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
