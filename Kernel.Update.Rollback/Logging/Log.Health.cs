using Kernel.Update.Rollback.Health;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback;

// 7xx: health probes and samples (the ledger is in Log.cs). Verdicts are Information: a sample is a report, and
// whoever acts on it (the monitor, its triggers) logs the decision at the level it deserves.
internal static partial class Log
{
    [LoggerMessage(701, LogLevel.Information, "Health of {Components} component(s): {Level}")]
    public static partial void HealthSampled(ILogger logger, int components, HealthLevel level);

    [LoggerMessage(702, LogLevel.Information, "Component {Component}: probe {Probe} is {Level}: {Detail}")]
    public static partial void ProbeNotGood(ILogger logger, string component, string probe, HealthLevel level, string detail);

    [LoggerMessage(703, LogLevel.Debug, "Component {Component}: probe {Probe} is good: {Detail}")]
    public static partial void ProbeGood(ILogger logger, string component, string probe, string detail);

    [LoggerMessage(704, LogLevel.Information, "Component {Component}: probe {Probe} gave no answer within {Seconds} s (a blocked system call or a silent peer)")]
    public static partial void ProbeTimedOut(ILogger logger, string component, string probe, int seconds);
}
