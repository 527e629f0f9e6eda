using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Triggers;

/// <summary>What the monitor did with a trigger: suppressed (and why), or the rollback it ran.</summary>
public sealed record TriggerDecision(TriggerEvent Trigger, string? SuppressedBecause, TriggeredOutcome? Outcome);

/// <summary>
/// Watches health for as long as it runs — not just after an update (failures that show up days later are the
/// ones that hurt): samples every <c>monitor.intervalSeconds</c>, reports level changes, feeds the hysteresis,
/// and turns a trigger the gate lets through into a partial rollback. The decision and the rollback happen under
/// the store lock, so nothing else starts in between.
/// </summary>
public sealed class HealthMonitor(RollbackConfig config, ILogger logger, Func<CancellationToken, Task<SystemHealth>> sampleHealth, RollbackSystem system)
{
    private readonly TriggerEvaluator _evaluator = new(config.Monitor.BadSamples);
    private readonly TriggerGate _gate = new(config);
    private SystemHealth? _latest;

    /// <summary>The newest sample; null before the first.</summary>
    public SystemHealth? Latest => Volatile.Read(ref _latest);

    /// <summary>Raised with every sample (the API publishes those in which a level changed).</summary>
    public event Action<SystemHealth>? Sampled;

    /// <summary>Raised when an automatic rollback is about to start, with its failure report (target, components, why).</summary>
    public event Action<Diagnostics.FailureReport>? RollbackStarting;

    /// <summary>Raised when sustained Critical health fires a trigger, before the policy decides on it.</summary>
    public event Action<TriggerEvent>? TriggerFired;

    /// <summary>Raised for every trigger once it is decided: suppressed, or rolled back (after the rollback).</summary>
    public event Action<TriggerDecision>? Triggered;

    private long _lastSampleTicks = DateTime.UtcNow.Ticks;

    /// <summary>When the last sample (and what followed from it) ended: a watchdog's proof that the loop is alive.</summary>
    public DateTime LastSample => new(Interlocked.Read(ref _lastSampleTicks), DateTimeKind.Utc);

    /// <summary>Samples every interval until cancelled. A sample that throws is logged and the loop goes on: one bad
    /// sample must not end the service that protects the device.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(config.Monitor.Interval);
        do
        {
            try
            {
                await SampleOnceAsync(cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.SampleFailed(logger, e.Message);
            }
            Interlocked.Exchange(ref _lastSampleTicks, DateTime.UtcNow.Ticks);
        }
        while (await timer.WaitForNextTickAsync(cancellation));
    }

    /// <summary>One sample and what follows from it; the decision, if a trigger fired.</summary>
    public async Task<TriggerDecision?> SampleOnceAsync(CancellationToken cancellation)
    {
        var sample = await sampleHealth(cancellation);
        var before = Interlocked.Exchange(ref _latest, sample);
        if (HealthChanges.Between(before, sample))
            foreach (var component in sample.Components)
                if (component.Level != HealthLevel.Good && before?.Components.FirstOrDefault(c => c.Component == component.Component)?.Level != component.Level)
                    Log.HealthChanged(logger, component.Component, component.Level,
                        string.Join("; ", component.Probes.Where(p => p.Level != HealthLevel.Good).Select(p => $"{p.Probe}: {p.Detail}")));
        Sampled?.Invoke(sample);
        ConfirmWhenHealthyLongEnough(sample);
        if (_evaluator.Observe(sample) is not { } trigger)
            return null;
        TriggerFired?.Invoke(trigger);
        var decision = await DecideAsync(trigger, cancellation);
        Triggered?.Invoke(decision);
        return decision;
    }

    private DateTimeOffset? _healthySince;

    /// <summary>The health service's half of confirming an update (<c>monitor.confirmAfterSeconds</c>): once the device
    /// has been healthy that long without a break, a pending update is confirmed as <c>mark-good</c> would.</summary>
    private void ConfirmWhenHealthyLongEnough(SystemHealth sample)
    {
        if (config.Monitor.ConfirmAfter is not { } window)
            return;
        if (sample.Level == HealthLevel.Critical)
        {
            _healthySince = null;
            return;
        }
        _healthySince ??= sample.At;
        if (sample.At - _healthySince.Value < window || Updates.PendingUpdate.Find(config.Store) is not { } pending)
            return;
        using var storeLock = StoreLock.TryAcquire(new StoreLayout(config.Store), out _);
        if (storeLock is null)
            return; // another operation runs: confirm at a later sample
        var good = Updates.UpdateConfirmation.Confirm(config, logger);
        Log.UpdateConfirmedByMonitor(logger, pending.Id, good.Id, window.TotalSeconds);
    }

    private async Task<TriggerDecision> DecideAsync(TriggerEvent trigger, CancellationToken cancellation)
    {
        string actor = $"monitor ({trigger.Kind})";
        using var storeLock = StoreLock.TryAcquire(new StoreLayout(config.Store), out string? holder);
        string? why = storeLock is null ? $"another operation holds the store ({holder})" : _gate.WhyNot(trigger);
        if (why is null)
        {
            _gate.Record();
            try
            {
                var rollback = new TriggeredRollback(config, logger, system) { Starting = report => RollbackStarting?.Invoke(report) };
                var outcome = await rollback.RunAsync(trigger, TargetRule.PendingUpdateFirst, actor, cancellation);
                // The services were restarted: judge them afresh.
                _evaluator.Reset();
                _healthySince = null;
                return new TriggerDecision(trigger, null, outcome);
            }
            catch (Errors.RollbackException e)
            {
                why = e.Message; // no point to go back to: reported like any other refusal
            }
        }
        Log.TriggerSuppressed(logger, trigger.Kind, string.Join(", ", trigger.FailingComponents), why);
        Audit.AuditLog.Append(config.Store, new Audit.AuditRecord("trigger", null, trigger.Kind.ToString(), trigger.FailingComponents, actor,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "suppressed", $"{trigger.Reason} — {why}"), logger);
        return new TriggerDecision(trigger, why, null);
    }
}
