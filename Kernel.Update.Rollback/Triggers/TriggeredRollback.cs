using Kernel.Update.Rollback.Audit;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Updates;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Triggers;

/// <summary>
/// Turns a trigger into a rollback, the same way for every source (a health trigger, a failed update, a boot that
/// never got confirmed): choose the target point, keep a failure report, roll back the failing components and
/// their dependents (or everything, when the policy forbids partial rollbacks) with the priority components first,
/// within the policy's time limit (past it the rollback is cancelled and reverted), then settle the pending update.
/// Every decision is logged and audited. Whether a trigger may roll back at all is <see cref="TriggerGate"/>'s call.
/// </summary>
public sealed class TriggeredRollback(RollbackConfig config, ILogger logger, RollbackSystem system)
{
    /// <summary>Called with the failure report, once it is durable, just before the rollback starts.</summary>
    public Action<FailureReport>? Starting { get; init; }

    public async Task<TriggeredOutcome> RunAsync(TriggerEvent trigger, TargetRule rule, string actor, CancellationToken cancellation = default,
        string? targetPointId = null)
    {
        var store = RecoveryStore.Open(config.Store);
        var pending = store.Exists && store.Catalog.PendingUpdatePointId is { } id ? store.FindPoint(id) : null;
        var target = targetPointId is not null ? store.GetPoint(targetPointId) : ChooseTarget(store, pending, trigger, rule);
        var components = Scope(target, trigger);
        var report = FailureReports.Save(config.Store, new FailureReport
        {
            Trigger = trigger.Kind,
            Reason = trigger.Reason,
            At = DateTimeOffset.UtcNow,
            BootId = TryBootId(),
            FailingComponents = [.. trigger.FailingComponents],
            TargetPointId = target.Id,
            Components = components ?? [.. target.Components.Select(c => c.Name)],
            Probes = [.. (trigger.Health?.Components ?? []).SelectMany(c => c.Probes.Select(p => new ProbeReport(c.Component, p.Probe, p.Level, p.Detail)))],
            Logs = ServiceLogs.Collect(FailingOrAll(trigger)),
        });
        Log.TriggerRollingBack(logger, trigger.Kind, trigger.Reason, target.Id, string.Join(", ", report.Components), report.Id);
        Starting?.Invoke(report);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(config.AutoRollback.MaxRollbackTime);
        var request = new RollbackRequest(target.Id, components, Exact: components is not null, Confirmed: true, actor)
        {
            Priority = config.AutoRollback.PriorityComponents,
        };
        TriggeredOutcome result;
        try
        {
            var outcome = await system.RollBackAsync(request, limit.Token);
            report.OperationId = outcome.OperationId;
            report.SafetyPointId = outcome.SafetyPointId;
            report.Result = outcome.Phase.ToString();
            if (outcome.Phase == RollbackPhase.Cancelled && !cancellation.IsCancellationRequested)
                report.Error = $"the rollback did not finish within autoRollback.maxRollbackSeconds ({config.AutoRollback.MaxRollbackSeconds} s) and was reverted";
            if (outcome.Phase == RollbackPhase.Completed && pending is not null && pending.Components.All(c => report.Components.Contains(c.Name)))
                PendingUpdate.Abandon(config.Store, pending.Id);
            result = new TriggeredOutcome(report, outcome, null);
        }
        catch (Exception e) when (e is RollbackException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            report.Result = "failed";
            report.Error = e.Message;
            result = new TriggeredOutcome(report, null, e);
        }
        FailureReports.Update(config.Store, report);
        Log.TriggerRollbackEnded(logger, trigger.Kind, report.Result!, report.Error ?? "", report.Id);
        AuditLog.Append(config.Store, new AuditRecord("trigger", report.Id, trigger.Kind.ToString(), report.Components, actor, report.At,
            DateTimeOffset.UtcNow, report.Result!, report.Error), logger);
        return result;
    }

    private static RecoveryPointRecord ChooseTarget(RecoveryStore store, RecoveryPointRecord? pending, TriggerEvent trigger, TargetRule rule)
    {
        var good = store.Exists ? LastKnownGood.Find(store.Catalog) : null;
        bool pendingHoldsThem = pending is not null
            && trigger.FailingComponents.All(name => pending.Components.Any(c => c.Name == name));
        var chosen = rule == TargetRule.PendingUpdateFirst
            ? (pendingHoldsThem ? pending : good ?? pending)
            : good ?? pending;
        return chosen ?? throw new RollbackException(RollbackErrorKind.NotFound,
            $"{trigger.Kind}: there is no last-known-good recovery point and no pending update to roll back to (mark one good with 'rollbackctl mark-good')");
    }

    /// <summary>The components to roll back, dependencies first; null means every component the target holds.</summary>
    private List<string>? Scope(RecoveryPointRecord target, TriggerEvent trigger)
    {
        if (!config.AutoRollback.PartialAllowed || trigger.FailingComponents.Count == 0)
            return null;
        var held = target.Components.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        // The failing components and everything built on them, as far as the target holds them.
        var closure = config.Graph.DependentsClosure(trigger.FailingComponents.Where(held.Contains)).Where(held.Contains);
        var scope = config.Graph.RestoreOrder(closure, config.AutoRollback.PriorityComponents).Select(c => c.Name).ToList();
        if (scope.Count == 0)
            throw new RollbackException(RollbackErrorKind.NotFound,
                $"{trigger.Kind}: recovery point {target.Id} holds none of the failing components ({string.Join(", ", trigger.FailingComponents)})");
        return scope;
    }

    private IEnumerable<Components.Component> FailingOrAll(TriggerEvent trigger) =>
        trigger.FailingComponents.Count == 0 ? config.Components : trigger.FailingComponents.Select(config.Graph.Get);

    private string? TryBootId()
    {
        try
        {
            return Boot.BootId.Current(config.Boot);
        }
        catch (RollbackException)
        {
            return null;
        }
    }
}
