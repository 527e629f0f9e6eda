using Kernel.Update.Rollback.Triggers;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// What the monitor tells subscribers on its own: health samples in which a level changed, and its automatic
/// rollbacks as "rollback" events ("started" with the target and components, "finished" with the outcome or the
/// error; their progress events come from the <see cref="Operations.RollbackSystem"/> the handler shares).
/// </summary>
public static class MonitorEvents
{
    /// <summary>One event as the line the API sends its subscribers (PROTOCOL.md), newline included: `monitor --json`
    /// writes the same lines to stdout.</summary>
    public static ReadOnlyMemory<byte> Encode(ControlEvent e) => JsonLines.Encode(e, ControlJsonContext.Default.ControlEvent);

    public static void Connect(HealthMonitor monitor, Action<ControlEvent> publish)
    {
        var health = new HealthChangePublisher(publish);
        monitor.Sampled += sample => health.Observe(sample);
        RollbackEventData? started = null;
        monitor.RollbackStarting += report =>
        {
            started = new RollbackEventData(RollbackEventData.Started, report.TargetPointId ?? "", report.Components, Exact: true, Incremental: false,
                Force: false, $"monitor ({report.Trigger})", null, null);
            publish(ControlEvent.ForRollback(started));
        };
        monitor.Triggered += decision =>
        {
            if (decision.Outcome is not { } outcome || started is null)
                return;
            var finished = outcome.Rollback is { } done
                ? started with { Status = RollbackEventData.Finished, Outcome = RollbackResult.From(done) }
                : started with { Status = RollbackEventData.Finished, Error = outcome.Error is Errors.RollbackException known
                    ? ControlError.Of(known) : ControlError.Of(Errors.RollbackErrorKind.Failed, outcome.Error?.Message ?? "failed") };
            publish(ControlEvent.ForRollback(finished));
            started = null;
        };
    }
}
