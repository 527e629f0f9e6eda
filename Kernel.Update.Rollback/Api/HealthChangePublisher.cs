using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// Decides which health samples become "health" events: the first, and then each one in which the level of the system
/// or of any component differs from the sample before (a component appearing or disappearing counts). Samples that
/// only repeat the same levels are not published, so subscribers hear about changes, not every probe round.
/// The monitor calls <see cref="Observe"/> with each sample it takes.
/// </summary>
public sealed class HealthChangePublisher(Action<ControlEvent> publish)
{
    private readonly Lock _lock = new();
    private SystemHealth? _last;

    /// <summary>Publishes <paramref name="sample"/> when a level changed; true when it did.</summary>
    public bool Observe(SystemHealth sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_lock)
        {
            bool changed = _last is null || LevelsDiffer(_last, sample);
            _last = sample;
            if (changed)
                publish(ControlEvent.ForHealth(sample));
            return changed;
        }
    }

    private static bool LevelsDiffer(SystemHealth before, SystemHealth now)
    {
        if (before.Level != now.Level || before.Components.Count != now.Components.Count)
            return true;
        foreach (var component in now.Components)
        {
            var earlier = before.Components.FirstOrDefault(c => c.Component == component.Component);
            if (earlier is null || earlier.Level != component.Level)
                return true;
        }
        return false;
    }
}
