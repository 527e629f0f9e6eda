using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// The automatic-rollback policy: whether a trigger may roll back at all, which kinds may, how long an automatic
/// rollback may take before it is cancelled (and reverted), whether it may take only the failing components (and
/// their dependents) or must take everything, which components go first where the graph allows, how long to wait
/// after one before another, and how many per boot, so a device can never loop.
/// </summary>
public sealed record AutoRollbackSettings(
    bool Enabled,
    IReadOnlyList<TriggerKind> Triggers,
    double MaxRollbackSeconds,
    bool PartialAllowed,
    IReadOnlyList<string> PriorityComponents,
    double CooldownSeconds,
    int MaxPerBoot)
{
    public static AutoRollbackSettings Default { get; } =
        new(true, Enum.GetValues<TriggerKind>(), 600, true, [], 600, 2);

    public TimeSpan MaxRollbackTime => TimeSpan.FromSeconds(MaxRollbackSeconds);

    public TimeSpan Cooldown => TimeSpan.FromSeconds(CooldownSeconds);

    public bool Equals(AutoRollbackSettings? other) =>
        other is not null && Enabled == other.Enabled && Triggers.SequenceEqual(other.Triggers) && MaxRollbackSeconds == other.MaxRollbackSeconds
        && PartialAllowed == other.PartialAllowed && PriorityComponents.SequenceEqual(other.PriorityComponents)
        && CooldownSeconds == other.CooldownSeconds && MaxPerBoot == other.MaxPerBoot;

    public override int GetHashCode() => HashCode.Combine(Enabled, MaxRollbackSeconds, PartialAllowed, CooldownSeconds, MaxPerBoot);
}
