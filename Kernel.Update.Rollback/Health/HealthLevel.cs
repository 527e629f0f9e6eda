namespace Kernel.Update.Rollback.Health;

/// <summary>How well a probe, a component or the device is doing; ordered, so the worst of several is the maximum.</summary>
public enum HealthLevel
{
    Good,
    Degraded,
    Warning,
    Critical,
}
