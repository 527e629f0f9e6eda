using Kernel.Update.Rollback.Health;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback;

// 9xx: triggers, automatic rollback, boot protection and the update pipeline (the ledger is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(901, LogLevel.Warning, "Trigger {Kind} ({Reason}): rolling back {Components} to {Point}; failure report {Report}")]
    public static partial void TriggerRollingBack(ILogger logger, TriggerKind kind, string reason, string point, string components, string report);

    [LoggerMessage(902, LogLevel.Warning, "Trigger {Kind}: the rollback ended {Result} {Error} (report {Report})")]
    public static partial void TriggerRollbackEnded(ILogger logger, TriggerKind kind, string result, string error, string report);

    [LoggerMessage(903, LogLevel.Warning, "Trigger {Kind} on {Components} suppressed: {Why}")]
    public static partial void TriggerSuppressed(ILogger logger, TriggerKind kind, string components, string why);

    [LoggerMessage(904, LogLevel.Information, "Boot {Boot}: update {Point} pending, {Failed} of {Max} boots failed so far")]
    public static partial void BootCounted(ILogger logger, string boot, string point, int failed, int max);

    [LoggerMessage(905, LogLevel.Error, "Boot {Boot}: update {Point} failed {Failed} boots: emergency rollback")]
    public static partial void BootFailed(ILogger logger, string boot, string point, int failed);

    [LoggerMessage(906, LogLevel.Warning, "The boot counter {Path} was unreadable ({Error}); it starts again with one failed boot")]
    public static partial void BootStateDamaged(ILogger logger, string path, string error);

    [LoggerMessage(907, LogLevel.Information, "Update: recovery point {Point} taken; running {Command}")]
    public static partial void UpdateStarted(ILogger logger, string point, string command);

    [LoggerMessage(908, LogLevel.Information, "Update {Point} confirmed: {Good} is the last-known-good")]
    public static partial void UpdateConfirmed(ILogger logger, string point, string good);

    [LoggerMessage(909, LogLevel.Warning, "Health of {Component} is {Level}: {Detail}")]
    public static partial void HealthChanged(ILogger logger, string component, HealthLevel level, string detail);

    [LoggerMessage(911, LogLevel.Information, "Update {Point} confirmed after {Seconds} s of good health: {Good} is the last-known-good")]
    public static partial void UpdateConfirmedByMonitor(ILogger logger, string point, string good, double seconds);

    [LoggerMessage(910, LogLevel.Error, "A health sample failed: {Error}; sampling again at the next interval")]
    public static partial void SampleFailed(ILogger logger, string error);
}
