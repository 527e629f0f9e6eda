using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Triggers;

/// <summary>
/// Hysteresis: a critical component fires a trigger only after <c>monitor.badSamples</c> Critical samples in a
/// row (one slow answer while a service restarts is not a reason to roll back); any better sample starts the
/// count again. Only components marked <c>critical</c> fire (a non-critical component's health is reported, not
/// acted on). The trigger's kind comes from the failing probes: Corruption before ServiceFailure before
/// CriticalError. Pure: it only sees samples, so the policy (<see cref="TriggerGate"/>) decides what to do.
/// </summary>
public sealed class TriggerEvaluator(int badSamples)
{
    private readonly Dictionary<string, int> _streaks = new(StringComparer.Ordinal);

    /// <param name="only">when set, only these components may fire (an update's commit window watches its own).</param>
    public TriggerEvent? Observe(SystemHealth sample, IReadOnlyCollection<string>? only = null)
    {
        List<ComponentHealth>? firing = null;
        foreach (var component in sample.Components)
        {
            if (!component.Critical || (only is not null && !only.Contains(component.Component)))
                continue;
            int streak = component.Level == HealthLevel.Critical ? _streaks.GetValueOrDefault(component.Component) + 1 : 0;
            _streaks[component.Component] = streak;
            if (streak >= badSamples)
                (firing ??= []).Add(component);
        }
        if (firing is null)
            return null;
        foreach (var component in firing)
            _streaks[component.Component] = 0;
        return new TriggerEvent(KindOf(firing), Describe(firing), [.. firing.Select(c => c.Component)], sample);
    }

    public void Reset() => _streaks.Clear();

    private static TriggerKind KindOf(List<ComponentHealth> firing)
    {
        var kinds = firing.SelectMany(c => c.Probes).Where(p => p.Level == HealthLevel.Critical).Select(p => p.Trigger).ToHashSet();
        foreach (var kind in new[] { TriggerKind.Corruption, TriggerKind.ServiceFailure, TriggerKind.CriticalError })
            if (kinds.Contains(kind))
                return kind;
        return kinds.Count > 0 ? kinds.Min() : TriggerKind.CriticalError;
    }

    private string Describe(List<ComponentHealth> firing) =>
        string.Join("; ", firing.Select(c =>
            $"{c.Component} critical in {badSamples} sample{(badSamples == 1 ? "" : "s")} in a row: "
            + string.Join(", ", c.Probes.Where(p => p.Level == HealthLevel.Critical).Select(p => $"{p.Probe}: {p.Detail}"))));
}
