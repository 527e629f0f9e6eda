using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Hosting;

namespace Kernel.Update.Rollback.Cli.Monitor;

/// <summary>The monitor's main loop as a hosted service: first finish an operation a crash interrupted, then
/// sample health for as long as the service runs, firing triggers through the policy.</summary>
internal sealed class HealthWatchService(RollbackSystem system, HealthMonitor monitor) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await system.RecoverAsync(stoppingToken);
        await monitor.RunAsync(stoppingToken);
    }
}
