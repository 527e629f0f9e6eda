using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Kernel.Update.Rollback.Cli.Monitor;

/// <summary>
/// systemd's watchdog (WatchdogSec= in the unit; WATCHDOG_USEC in our environment): WATCHDOG=1 at half the
/// period — but only while the health loop is alive, i.e. its last sample ended within one watchdog period plus
/// one sampling interval (an automatic rollback may run that long; the unit's WatchdogSec must allow for
/// autoRollback.maxRollbackSeconds). A hung loop stops the pings and systemd restarts the monitor.
/// </summary>
internal sealed class WatchdogService(ISystemdNotifier notifier, HealthMonitor monitor, RollbackConfig config) : BackgroundService
{
    private static readonly ServiceState Ping = new("WATCHDOG=1");

    public static TimeSpan? Period =>
        long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long usec) && usec > 0 ? TimeSpan.FromMicroseconds(usec) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Period is not { } period || !notifier.IsEnabled)
            return;
        using var timer = new PeriodicTimer(period / 2);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            if (DateTime.UtcNow - monitor.LastSample < period + config.Monitor.Interval + config.AutoRollback.MaxRollbackTime)
                notifier.Notify(Ping);
    }
}
