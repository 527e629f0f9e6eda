using System.Runtime.InteropServices;
using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>
/// <c>rollbackctl health [--components a,b] [--json]</c>: one sample of every probe. A report, so the exit is 0
/// whatever the health; only a bad configuration or an unknown component refuses (2).
/// </summary>
internal static class HealthCommand
{
    public static int Run(CliContext context)
    {
        var config = context.Config;
        var names = context.Args.List("--components");
        using var cancellation = new CancellationTokenSource();
        // Ctrl-C or SIGTERM cancels the check, and the probes kill the process groups of their commands on the way
        // out; a plain exit would leave a hung command running.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        var health = new HealthChecker(config, context.Logger).CheckAsync(names, cancellation.Token).GetAwaiter().GetResult();

        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(ToOutput(health), CliJsonContext.Default.HealthOutput));
        else
            context.Out.Write(Describe(health));
        return 0;

        void Cancel(PosixSignalContext signal)
        {
            signal.Cancel = true;
            cancellation.Cancel();
        }
    }

    private static HealthOutput ToOutput(SystemHealth health) => new(health.Level, health.At,
        health.Components.Select(c => new HealthComponentOutput(c.Component, c.Critical, c.Level,
            c.Probes.Select(p => new HealthProbeOutput(p.Probe, p.Level, p.Detail, p.Trigger)).ToList())).ToList());

    /// <summary>The system's level on top, then a row per probe; a component's own cells only on its first row.</summary>
    private static string Describe(SystemHealth health)
    {
        int critical = health.Components.Count(c => c.Critical);
        string header = $"System: {health.Level} ({health.Components.Count} component(s) checked, {critical} critical, " +
            $"at {health.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)\n\n";
        var table = new Table("COMPONENT", "CRITICAL", "LEVEL", "PROBE", "VERDICT", "DETAIL");
        foreach (var component in health.Components)
        {
            string[] own = [component.Component, component.Critical ? "yes" : "no", component.Level.ToString()];
            if (component.Probes.Count == 0)
                table.Add(own[0], own[1], own[2], "-", "-", "no probes configured");
            foreach (var probe in component.Probes)
            {
                table.Add(own[0], own[1], own[2], probe.Probe, probe.Level.ToString(), probe.Detail);
                own = ["", "", ""];
            }
        }
        return header + table;
    }
}
