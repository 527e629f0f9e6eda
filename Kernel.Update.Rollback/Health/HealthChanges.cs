namespace Kernel.Update.Rollback.Health;

/// <summary>Whether a health sample is news: the first one, or one in which the level of the system or of any component
/// differs from the sample before (a component appearing or disappearing counts).</summary>
public static class HealthChanges
{
    public static bool Between(SystemHealth? before, SystemHealth now)
    {
        if (before is null || before.Level != now.Level || before.Components.Count != now.Components.Count)
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
