using Kernel.Update.Rollback.Services;

namespace Kernel.Update.Rollback.Health;

/// <summary>A systemd unit is active: <c>systemctl is-active UNIT</c> exits 0 (its output, the state, is the detail).</summary>
internal static class UnitProbe
{
    // sd_booted(3): systemd is the init system exactly when this directory exists. Without it systemctl can only
    // say "System has not been booted with systemd", which is not a verdict about the unit.
    private const string SystemdRunDirectory = "/run/systemd/system";

    public static async Task<ProbeOutcome> CheckAsync(UnitProbeSpec spec, string scratchDirectory, CancellationToken cancellation)
    {
        if (ExecutablePath.Find("systemctl") is not { } systemctl)
            return ProbeOutcome.Fail($"systemctl is not installed (not on PATH), so unit {spec.Unit} cannot be checked; " +
                "on a device without systemd use a pidfile or command probe");
        if (!Directory.Exists(SystemdRunDirectory))
            return ProbeOutcome.Fail($"systemd is not running (no {SystemdRunDirectory}), so unit {spec.Unit} cannot be checked");

        using var run = GroupedProcess.Start(scratchDirectory, $"unit probe {spec.Unit}", systemctl, "is-active", spec.Unit);
        if (!await run.WaitOrKillAsync(TimeSpan.FromSeconds(spec.TimeoutSeconds), cancellation).ConfigureAwait(false))
            return ProbeOutcome.Fail($"systemctl is-active {spec.Unit} did not answer within {spec.TimeoutSeconds} s");
        string state = run.LastLines(1) is { Length: > 0 } s ? s : "not active";
        return run.ExitCode == 0
            ? ProbeOutcome.Pass($"unit {spec.Unit} is {state}")
            : ProbeOutcome.Fail($"unit {spec.Unit} is {state} (systemctl is-active exited {run.ExitCode})");
    }
}
