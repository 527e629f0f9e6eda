namespace Kernel.Update.Rollback.Health;

/// <summary>One probe's verdict: what was probed (e.g. "tcp 127.0.0.1:8080"), its level, a sentence saying why, and the
/// trigger it stands for when it is critical.</summary>
public sealed record ProbeResult(string Probe, HealthLevel Level, string Detail, TriggerKind Trigger);

/// <summary>A component's health: the worst of its probes (Good when it has none).</summary>
public sealed record ComponentHealth(string Component, bool Critical, HealthLevel Level, IReadOnlyList<ProbeResult> Probes);

/// <summary>One sample of the whole device: the system's level is the worst critical component's.</summary>
public sealed record SystemHealth(HealthLevel Level, IReadOnlyList<ComponentHealth> Components, DateTimeOffset At);
