using Kernel.Update.Rollback.Api;
using Microsoft.Extensions.Hosting;

namespace Kernel.Update.Rollback.Cli.Monitor;

/// <summary>The local API for update agents (a Unix socket speaking JSON lines), served for as long as the monitor runs.</summary>
internal sealed class ApiService(ControlServer server) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => server.RunAsync(stoppingToken);
}
