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
            bool changed = HealthChanges.Between(_last, sample);
            _last = sample;
            if (changed)
                publish(ControlEvent.ForHealth(sample));
            return changed;
        }
    }
}
