using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>How commands that watch health take a sample: every component's probes, side by side.</summary>
internal static class HealthSampling
{
    public static Func<CancellationToken, Task<SystemHealth>> For(CliContext context) => new HealthChecker(context.Config, context.Logger).CheckAsync;
}
