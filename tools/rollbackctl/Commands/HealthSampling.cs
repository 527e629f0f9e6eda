using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>How commands that watch health take a sample.</summary>
internal static class HealthSampling
{
    public static Func<CancellationToken, Task<SystemHealth>>? For(CliContext context) => null; // wired to HealthChecker when it lands
}
