using System.Text.Json;
using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Tests.Api;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Monitor;

/// <summary>
/// <c>rollbackctl monitor</c> as the long-running service, for real: a separate process, a notify socket in place
/// of systemd, a real daemon that goes unhealthy on cue, real timers with short intervals.
/// </summary>
public sealed class MonitorServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void TheMonitorTellsSystemdItIsReadyPingsTheWatchdogAndStopsOnSigterm()
    {
        using var bed = Bed(out _, withService: false);
        using var monitor = new MonitorProcess(bed.ConfigPath, bed.Scratch(""), watchdogUsec: 400_000);
        Assert.True(monitor.WaitForNotification("READY=1", Patience), monitor.StdErr);
        Assert.True(monitor.WaitForNotification("WATCHDOG=1", Patience), monitor.StdErr);
        Assert.True(monitor.WaitForNotification("WATCHDOG=1", Patience), monitor.StdErr);
        monitor.Terminate();
        Assert.True(monitor.WaitForNotification("STOPPING=1", Patience), monitor.StdErr);
        Assert.True(monitor.WaitForExit(Patience));
        Assert.Equal(0, monitor.ExitCode);
    }

    [Fact]
    public void WithJsonTheMonitorWritesTheApisEventsToStdoutAsJsonLines()
    {
        using var bed = Bed(out var daemon, withService: true);
        using var stop = daemon;
        daemon.Start();
        using var monitor = new MonitorProcess(bed.ConfigPath, bed.Scratch(""), null, "--json");
        Assert.True(monitor.WaitForNotification("READY=1", Patience), monitor.StdErr);
        // The first sample is a health change (from nothing known to Good): the same event an API subscriber gets.
        Assert.True(SpinWait.SpinUntil(() => monitor.StdOutLines.Count > 0, Patience), monitor.StdErr);
        using var line = System.Text.Json.JsonDocument.Parse(monitor.StdOutLines[0]);
        Assert.Equal(ControlEvent.HealthKind, line.RootElement.GetProperty("event").GetString());
        Assert.Equal("Good", line.RootElement.GetProperty("data").GetProperty("level").GetString());
        monitor.Terminate();
        Assert.True(monitor.WaitForExit(Patience));
    }

    [Fact]
    public async Task AServiceThatFailsLongAfterTheUpdateIsRolledBackByTheMonitorAndRunsAgain()
    {
        using var bed = Bed(out var daemon, withService: true);
        using var stop = daemon;
        daemon.Start();
        CliRunner.RunWithConfig(bed.ConfigPath, "mark-good").EnsureSuccess();
        CliRunner.RunWithConfig(bed.ConfigPath, "update", "--components", "app", "--", "/bin/sh", "-c", $"printf v2 > {bed.Live("app/version")}").EnsureSuccess();
        using var monitor = new MonitorProcess(bed.ConfigPath, bed.Scratch(""));
        Assert.True(monitor.WaitForNotification("READY=1", Patience), monitor.StdErr);
        await Task.Delay(1000); // healthy for a while: nothing happens
        Assert.Empty(FailureReports.All(bed.Store));

        // An update agent listens on the monitor's socket (registered before the failure, so it hears all of it).
        await using var client = await ControlClient.ConnectAsync(bed.Scratch("api.sock"), CancellationToken.None);
        await using var subscription = await Subscription.StartAsync(client);

        int broken = daemon.Pid;
        daemon.Crash(); // the failure that shows up later
        Assert.True(SpinWait.SpinUntil(() => FailureReports.All(bed.Store) is [{ Result: not null }], Patience), monitor.StdErr);
        var report = Assert.Single(FailureReports.All(bed.Store));
        Assert.Equal(TriggerKind.ServiceFailure, report.Trigger);
        Assert.Equal("Completed", report.Result);
        Assert.Equal(["app"], report.Components);
        Assert.Contains(report.Probes, p => p.Component == "app" && p.Level == HealthLevel.Critical);
        Assert.Equal("v1", File.ReadAllText(bed.Live("app/version"))); // back to the PreUpdate point
        Assert.Null(bed.Catalog.PendingUpdatePointId); // the update is over
        Assert.True(SpinWait.SpinUntil(() => daemon.Pid != broken && daemon.Alive, Patience)); // restarted by the rollback
        // The audit line follows the report's last update: wait for it too.
        Assert.True(SpinWait.SpinUntil(() => Triggers(bed).Any(t => t.Result == "Completed"), Patience), monitor.StdErr);

        // What the agent heard, in order: the health change, the automatic rollback starting, its progress, its end.
        var events = await subscription.ReadUntilAsync(e => e.Event == ControlEvent.RollbackKind && e.Data!["status"]!.GetValue<string>() == "finished");
        var kinds = events.Select(e => e.Event).ToList();
        int critical = events.FindIndex(e => e.Event == ControlEvent.HealthKind && e.Data!["level"]!.GetValue<string>() == "Critical");
        int started = events.FindIndex(e => e.Event == ControlEvent.RollbackKind && e.Data!["status"]!.GetValue<string>() == "started");
        int finished = events.FindIndex(e => e.Event == ControlEvent.RollbackKind && e.Data!["status"]!.GetValue<string>() == "finished");
        Assert.True(critical >= 0 && critical < started && started < finished, string.Join(", ", kinds));
        Assert.Equal("monitor (ServiceFailure)", events[started].Data!["actor"]!.GetValue<string>());
        Assert.Contains(events.Skip(started).Take(finished - started), e => e.Event == ControlEvent.ProgressKind);
        Assert.Equal("Completed", events[finished].Data!["outcome"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public void AfterAHealthyWindowTheMonitorConfirmsThePendingUpdate()
    {
        using var bed = Bed(out var daemon, withService: true, confirmAfter: 1);
        using var stop = daemon;
        daemon.Start();
        CliRunner.RunWithConfig(bed.ConfigPath, "mark-good").EnsureSuccess();
        CliRunner.RunWithConfig(bed.ConfigPath, "update", "--components", "app", "--", "/bin/sh", "-c", $"printf v2 > {bed.Live("app/version")}").EnsureSuccess();
        string update = bed.Catalog.PendingUpdatePointId!;
        using var monitor = new MonitorProcess(bed.ConfigPath, bed.Scratch(""));
        Assert.True(SpinWait.SpinUntil(() => bed.Catalog.PendingUpdatePointId is null, Patience), monitor.StdErr);
        var good = bed.Catalog.Points.Single(p => p.LastKnownGood);
        Assert.Equal(Kernel.Update.Rollback.Store.Catalog.RecoveryPointReason.BootGood, good.Reason);
        Assert.True(good.Sequence > bed.Catalog.Points.Single(p => p.Id == update).Sequence); // the updated device, not the old one
        Assert.Equal("v2", File.ReadAllText(bed.Live("app/version")));
        Assert.Empty(FailureReports.All(bed.Store));
    }

    [Fact]
    public void ATriggerStormNeverExceedsTheRollbackCapPerBoot()
    {
        // The service is dead and no recovery point can bring it back: every sample is Critical, every trigger
        // fires, and only maxPerBoot of them may roll back.
        using var bed = Bed(out _, withService: true, policy: """ "cooldownSeconds": 0, "maxPerBoot": 2 """, startCommand: "true");
        CliRunner.RunWithConfig(bed.ConfigPath, "mark-good").EnsureSuccess();
        using var monitor = new MonitorProcess(bed.ConfigPath, bed.Scratch(""));
        Assert.True(SpinWait.SpinUntil(() => Triggers(bed).Count(t => t.Result == "suppressed") >= 5, Patience), monitor.StdErr);
        var triggers = Triggers(bed);
        Assert.Equal(2, triggers.Count(t => t.Result == "Completed"));
        Assert.All(triggers.Where(t => t.Result == "suppressed"), t => Assert.Contains("maxPerBoot 2", t.Error));
        Assert.Equal(2, FailureReports.All(bed.Store).Count);
        monitor.Terminate();
        Assert.True(monitor.WaitForExit(Patience));

        // A restarted monitor in the same boot still refuses: the count is durable.
        using var again = new MonitorProcess(bed.ConfigPath, bed.Scratch(""));
        int before = Triggers(bed).Count;
        Assert.True(SpinWait.SpinUntil(() => Triggers(bed).Count >= before + 3, Patience), again.StdErr);
        Assert.Equal(2, Triggers(bed).Count(t => t.Result == "Completed"));
    }

    private static List<(string Result, string? Error)> Triggers(StoreTestBed bed)
    {
        var list = new List<(string, string?)>();
        string audit = Path.Combine(bed.Store, "audit.jsonl");
        if (!File.Exists(audit))
            return list;
        foreach (string line in File.ReadAllLines(audit))
        {
            if (!line.EndsWith('}'))
                continue; // the monitor is appending this one right now
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("operation").GetString() == "trigger")
                list.Add((json.RootElement.GetProperty("result").GetString()!,
                    json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null));
        }
        return list;
    }

    /// <summary>One critical component "app" whose service is a real daemon (sleep) with a pid file, probed by that
    /// pid file (or, without the service, by a file that exists); the monitor samples every 0.1 s and fires after
    /// two Critical samples.</summary>
    private static StoreTestBed Bed(out Daemon service, bool withService, string policy = """ "cooldownSeconds": 0 """, string? startCommand = null,
        int? confirmAfter = null)
    {
        var bed = new StoreTestBed("[]");
        string pid = bed.Scratch("app.pid");
        service = new Daemon(pid);
        string start = startCommand ?? $"sleep 1000 >/dev/null 2>&1 & echo $! > {pid}";
        string stop = $"if [ -f {pid} ]; then kill $(cat {pid}) 2>/dev/null; rm -f {pid}; fi; true";
        string app = withService
            ? $$"""
                { "name": "app", "category": "SystemServices", "path": "app", "critical": true,
                  "services": [{ "start": "{{start}}", "stop": "{{stop}}", "timeoutSeconds": 10 }],
                  "health": [{ "type": "pidfile", "path": "{{pid}}" }] }
                """
            : """{ "name": "app", "category": "SystemServices", "path": "app", "critical": true, "health": [{ "type": "file", "path": "app/version" }] }""";
        File.WriteAllText(bed.ConfigPath, $$"""
            { "root": "{{bed.Root}}", "store": "{{bed.Store}}",
              "monitor": { "intervalSeconds": 0.1, "badSamples": 2, "socket": "{{bed.Scratch("api.sock")}}"{{(confirmAfter is { } c ? $", \"confirmAfterSeconds\": {c}" : "")}} },
              "autoRollback": { {{policy}} },
              "components": [{{app}}] }
            """);
        Directory.CreateDirectory(bed.Live("app"));
        File.WriteAllText(bed.Live("app/version"), "v1");
        return bed;
    }

    /// <summary>The app's daemon as its pid file names it; stopped whatever the test's outcome.</summary>
    private sealed class Daemon(string pidFile) : IDisposable
    {
        public int Pid => File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) ? pid : -1;

        public bool Alive => Pid > 0 && Directory.Exists($"/proc/{Pid}") && File.ReadAllText($"/proc/{Pid}/stat").Split(' ')[2] != "Z";

        public void Start() => ProcessRunner.Run("/bin/sh", "-c", $"sleep 1000 >/dev/null 2>&1 & echo $! > {pidFile}").EnsureSuccess();

        /// <summary>Dies as a crashing service does: its pid file stays behind.</summary>
        public void Crash() => ProcessRunner.Run("kill", "-KILL", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnsureSuccess();

        public void Dispose()
        {
            if (Pid > 0)
                ProcessRunner.Run("kill", "-KILL", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
