using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Diagnostics;

/// <summary>
/// What was known when an automatic or emergency rollback was decided: the trigger and why, the probe results,
/// the last lines of the failing services' logs. Written before the rollback starts (so it survives a rollback
/// that fails or is cut off), completed with the outcome after; <c>rollbackctl show</c> prints it with the points
/// it names.
/// </summary>
public sealed class FailureReport
{
    public string Id { get; set; } = "";
    public TriggerKind Trigger { get; set; }
    public string Reason { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string? BootId { get; set; }
    /// <summary>The components that failed (empty: the whole device, as in a boot failure).</summary>
    public List<string> FailingComponents { get; set; } = [];
    public string? TargetPointId { get; set; }
    public List<string> Components { get; set; } = [];
    public List<ProbeReport> Probes { get; set; } = [];
    public List<ServiceLog> Logs { get; set; } = [];
    /// <summary>Filled in after the rollback: its operation, its safety point, and how it ended.</summary>
    public string? OperationId { get; set; }
    public string? SafetyPointId { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
}

/// <summary>One probe's verdict, as the report keeps it.</summary>
public sealed record ProbeReport(string Component, string Probe, HealthLevel Level, string Detail);

/// <summary>The tail of one service's log (from journalctl), or why there is none.</summary>
public sealed record ServiceLog(string Component, string Service, List<string> Lines);
