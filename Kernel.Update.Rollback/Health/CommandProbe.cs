using Kernel.Update.Rollback.Services;

namespace Kernel.Update.Rollback.Health;

/// <summary>A shell command exits 0 within the probe's timeout; on a timeout its whole process group is killed.</summary>
internal static class CommandProbe
{
    public static async Task<ProbeOutcome> CheckAsync(CommandProbeSpec spec, string scratchDirectory, CancellationToken cancellation)
    {
        using var run = GroupedProcess.StartShell(scratchDirectory, $"command probe '{spec.Command}'", spec.Command);
        if (!await run.WaitOrKillAsync(TimeSpan.FromSeconds(spec.TimeoutSeconds), cancellation).ConfigureAwait(false))
            return ProbeOutcome.Fail($"did not finish within {spec.TimeoutSeconds} s; its process group was killed{run.Tail()}");
        return run.ExitCode == 0
            ? ProbeOutcome.Pass($"exited 0{run.Tail(1)}")
            : ProbeOutcome.Fail($"exited {run.ExitCode}{run.Tail()}");
    }
}
