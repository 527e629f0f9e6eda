namespace Kernel.Update.Rollback.Health;

/// <summary>What one probe found: a level, or "failed" (null), which the probe's configured level stands for.</summary>
internal readonly record struct ProbeOutcome(HealthLevel? Level, string Detail)
{
    public static ProbeOutcome Pass(string detail) => new(HealthLevel.Good, detail);

    public static ProbeOutcome Fail(string detail) => new(null, detail);

    public static ProbeOutcome At(HealthLevel level, string detail) => new(level, detail);
}
