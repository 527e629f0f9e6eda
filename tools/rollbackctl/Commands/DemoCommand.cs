using System.Text.Json;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Demo;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Services;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Triggers;
using Kernel.Update.Rollback.Updates;
using Kernel.Update.Rollback.Verification;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>
/// The README's first command, without root: a sandbox device (a kernel image as a block component, driver
/// modules, /etc, a real service process with a health endpoint, user data) is confirmed good, updated through
/// the update pipeline; the update breaks the service, the health monitor's trigger rolls back the failing
/// component and its dependents phase by phase, and the demo proves the device is back: health, verify, and a
/// comparison with the device as it was. Then an emergency rollback takes the rest back too, and a flipped byte
/// in a copy of the store is caught.
/// </summary>
internal static class DemoCommand
{
    public static int Run(CliContext context)
    {
        string dir = Path.GetFullPath(context.Args.Value("--dir") ?? Path.Combine(Path.GetTempPath(), $"rollbackctl-demo-{Environment.ProcessId}"));
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"demo directory {dir} is not empty; give an empty or new --dir");
        var clock = Stopwatch.StartNew();
        bool keep = context.Args.Has("--keep");
        // With --json the story is not told: one JSON document at the end says how it went.
        var narrative = context.Json ? TextWriter.Null : context.Out;
        RollbackConfig? config = null;
        Walkthrough? walk = null;
        bool ok;
        try
        {
            Directory.CreateDirectory(dir);
            string device = Path.Combine(dir, "device");
            DemoDevice.Create(device);
            string configPath = Path.Combine(dir, "rollback.json");
            File.WriteAllText(configPath, DemoDevice.Config(device, FreePort(), SelfCommand()));
            config = ConfigLoader.Load(configPath);
            // The walk-through prints every step itself; the engine's own warnings would only repeat them.
            var logger = context.Verbose ? context.Logger : NullLogger.Instance;
            walk = new Walkthrough(narrative, config, device, logger);
            ok = walk.RunAsync().GetAwaiter().GetResult();
            narrative.WriteLine();
            narrative.WriteLine(ok
                ? $"Demo finished in {Units.Duration(clock.Elapsed)}: the device is back, exactly as it was before the update."
                : "Demo FAILED: see the step marked DIFFERENT or NOT GOOD above.");
        }
        finally
        {
            if (config is not null)
                StopService(config);
            if (keep)
                narrative.WriteLine($"Kept the sandbox in {dir} (config {Path.Combine(dir, "rollback.json")}).");
            else if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(
                new DemoOutput(ok, Math.Round(clock.Elapsed.TotalSeconds, 1), walk.Steps, keep ? dir : null), CliJsonContext.Default.DemoOutput));
        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }

    private sealed class Walkthrough(TextWriter narrative, RollbackConfig config, string device, ILogger logger)
    {
        private readonly TextWriter _out = narrative;

        /// <summary>The steps told so far, for --json.</summary>
        public List<DemoStepOutput> Steps { get; } = [];
        private readonly HealthChecker _health = new(config, logger);

        public async Task<bool> RunAsync()
        {
            Step(1, $"A sandbox device in {device}, five components:");
            var table = new Table("COMPONENT", "CATEGORY", "KIND", "DEPENDS ON", "SERVICE / HEALTH PROBES");
            foreach (var c in config.Components)
                table.Add(c.Name, c.Category.ToString(), c.IsTree ? $"tree {c.Path}" : $"image {c.Block} ({Units.Bytes(DemoDevice.KernelImageBytes)})",
                    c.DependsOn.Count == 0 ? "-" : string.Join(",", c.DependsOn),
                    c.Probes.Count == 0 ? "-" : $"demo-service; {string.Join(", ", c.Probes.Select(p => p.Describe()))}");
            _out.Write(Indent(table.ToString()));
            var original = Fingerprints();
            StartService();
            var first = await WaitForAsync(HealthLevel.Good);
            _out.WriteLine($"    the service runs; health: {Summary(first)}");

            Step(2, "The device as it runs is confirmed good (rollbackctl mark-good): a recovery point of every component,");
            var good = UpdateConfirmation.Confirm(config, logger);
            _out.WriteLine($"    {good.Id}, the last-known-good: deduplicated, compressed, {Units.Bytes(good.Components.Sum(c => c.AddedBytes))} stored.");

            Step(3, "An update (rollbackctl update --components kernel,config,app -- ...) takes a PreUpdate point, then runs:");
            var update = await new UpdatePipeline(config, logger).RunAsync(new UpdateRequest(["kernel", "config", "app"], "demo")
            {
                Apply = _ =>
                {
                    StopService();
                    DemoDevice.ApplyUpdate(device);
                    StartService();
                    WaitForPidFile();
                    return Task.FromResult(0);
                },
            });
            _out.WriteLine($"    PreUpdate point {update.PointId} (the update's components and everything built on them);");
            _out.WriteLine("    the update rewrote 1 MiB of the kernel image, rebuilt modules, edited the config, shipped app 2.0,");
            _out.WriteLine("    and exited 0: it is pending until confirmed.");

            Step(4, "The health monitor samples every 0.25 s; three Critical samples in a row of a critical component fire a trigger:");
            var decision = await MonitorUntilTriggerAsync();
            if (decision?.Outcome is not { } outcome)
            {
                _out.WriteLine($"    NOT GOOD: no automatic rollback ({decision?.SuppressedBecause ?? "no trigger fired"})");
                return false;
            }

            Step(5, "Proof that the device is back:");
            var after = await WaitForAsync(HealthLevel.Good);
            _out.WriteLine($"    health: {Summary(after)}");
            var verify = new StoreVerifier(config.Store).Verify(null);
            _out.WriteLine($"    verify: {(verify.Clean ? "OK" : "DAMAGED")}, {verify.ChunksChecked} chunks, {Units.Bytes(verify.BytesChecked)} read and hashed");
            _out.WriteLine($"    failure report {outcome.Report.Id} (rollbackctl show {outcome.Report.SafetyPointId} prints it):");
            _out.WriteLine($"      {outcome.Report.Trigger}: {outcome.Report.Reason}");
            bool ok = Compare(original, Fingerprints(), outcome.Report.Components, "back to before the update", "still the update's (not in the rollback)");
            var store = RecoveryStore.Open(config.Store);
            var goodPoint = store.GetPoint(good.Id);
            var kernel = goodPoint.Components.First(c => c.Name == "kernel");
            var kernelDiff = new LiveComponents(config, store, logger).DiffBlock(kernel, store.LoadManifest(goodPoint, kernel));
            _out.WriteLine($"    (rollbackctl diff: {kernelDiff.Differing.Count} of {kernelDiff.Target.Chunks.Length} chunks of the kernel image differ from the last-known-good)");

            Step(6, "Emergency rollback (rollbackctl emergency --yes): every component back to the last-known-good:");
            var system = new RollbackSystem(config, logger);
            var lastPhase = (RollbackPhase?)null;
            system.ProgressChanged += p => PrintPhase(p, ref lastPhase);
            var emergency = await system.EmergencyRollBackAsync(true, "demo");
            _out.WriteLine($"    restored in order: {string.Join(", ", emergency.Components)}");
            ok &= Compare(original, Fingerprints(), [.. config.Components.Select(c => c.Name)], "identical to the confirmed device", "");
            var final = await WaitForAsync(HealthLevel.Good);
            _out.WriteLine($"    health: {Summary(final)}");

            Step(7, "A flipped byte in a copy of the store is caught and named; a rollback from it would be refused:");
            ShowCorruptionCaught(config.Store, Path.Combine(Path.GetDirectoryName(device)!, "store-damaged"));
            return ok && verify.Clean && after.Level == HealthLevel.Good && final.Level == HealthLevel.Good;
        }

        /// <summary>Samples like the monitor service does, printing each sample until a trigger fires and its rollback ends.</summary>
        private async Task<TriggerDecision?> MonitorUntilTriggerAsync()
        {
            var system = new RollbackSystem(config, logger);
            RollbackPhase? lastPhase = null;
            system.ProgressChanged += p => PrintPhase(p, ref lastPhase);
            var monitor = new HealthMonitor(config, logger, _health.CheckAsync, system);
            int streak = 0;
            monitor.TriggerFired += t => _out.WriteLine(
                $"    sample {t.Health?.At:HH:mm:ss.ff}: trigger {t.Kind} on {string.Join(", ", t.FailingComponents)}; the policy allows it: a partial rollback of "
                + $"{string.Join(" and ", t.FailingComponents)} and what depends on it, to the PreUpdate point, phase by phase:");
            monitor.Triggered += d =>
            {
                if (d.SuppressedBecause is not null)
                    _out.WriteLine($"    the trigger was suppressed: {d.SuppressedBecause}");
                else
                    _out.WriteLine($"    rolled back, in order: {string.Join(", ", d.Outcome?.Rollback?.Components ?? [])}");
            };
            for (int sample = 1; sample <= 40; sample++)
            {
                var decision = await monitor.SampleOnceAsync(default);
                var now = monitor.Latest!;
                var app = now.Components.First(c => c.Critical);
                streak = app.Level == HealthLevel.Critical ? streak + 1 : 0;
                if (decision is null)
                    _out.WriteLine($"    sample {now.At:HH:mm:ss.ff}: {app.Component} {app.Level}{Failing(app)}{(streak > 0 ? $"  ({streak} in a row)" : "")}");
                if (decision is not null)
                    return decision;
                await Task.Delay(config.Monitor.Interval);
            }
            return null;
        }

        private void PrintPhase(RollbackProgress progress, ref RollbackPhase? last)
        {
            if (progress.Phase == last)
                return;
            last = progress.Phase;
            _out.WriteLine($"      [{progress.Percent,3}%] {progress.Phase}");
        }

        private bool Compare(Dictionary<string, string> before, Dictionary<string, string> now, IReadOnlyList<string> rolledBack, string same, string untouched)
        {
            bool ok = true;
            var table = new Table("COMPONENT", "BEFORE UPDATE", "NOW", "");
            foreach (var c in config.Components)
            {
                bool back = rolledBack.Contains(c.Name);
                bool equal = before[c.Name] == now[c.Name];
                ok &= !back || equal;
                table.Add(c.Name, before[c.Name], now[c.Name], back ? (equal ? same : "DIFFERENT") : untouched);
            }
            _out.Write(Indent(table.ToString()));
            return ok;
        }

        private Dictionary<string, string> Fingerprints() =>
            config.Components.ToDictionary(c => c.Name, c => TreeFingerprint.Compute(config.Locate(c)));

        private async Task<SystemHealth> WaitForAsync(HealthLevel level)
        {
            SystemHealth sample = await _health.CheckAsync();
            for (int i = 0; i < 100 && sample.Level != level; i++)
            {
                await Task.Delay(100);
                sample = await _health.CheckAsync();
            }
            return sample;
        }

        private void StartService() => RunServices(ServiceCommand.Action.Start);

        /// <summary>Like an installer that restarts a service and waits for it to come up (not to be healthy).</summary>
        private void WaitForPidFile()
        {
            string pid = Path.Combine(device, DemoDevice.PidFile);
            for (int i = 0; i < 100 && !File.Exists(pid); i++)
                Thread.Sleep(50);
        }

        private void StopService() => RunServices(ServiceCommand.Action.Stop);

        private void RunServices(ServiceCommand.Action action)
        {
            foreach (var service in config.Graph.Get("app").Services)
                ServiceCommand.Run("app", service, action, Path.GetTempPath(), default);
        }

        private void ShowCorruptionCaught(string store, string copy)
        {
            CopyDirectory(store, copy);
            string pack = Directory.EnumerateFiles(Path.Combine(copy, "packs"), "*.pack").Order(StringComparer.Ordinal).First();
            using (var stream = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Position = stream.Length / 2;
                int b = stream.ReadByte();
                stream.Position--;
                stream.WriteByte((byte)(b ^ 0x01));
            }
            var report = new StoreVerifier(copy).Verify(null);
            foreach (var p in report.Problems.Take(2))
                _out.WriteLine($"    point {p.PointId ?? "-"} component {p.Component ?? "-"} file {p.File ?? "-"}: {p.Message}");
            _out.WriteLine($"    {(report.Problems.Count > 2 ? $"... {report.Problems.Count - 2} more; " : "")}rollbackctl verify exits {ExitCodes.Corruption}");
            Directory.Delete(copy, recursive: true);
        }

        private void Step(int number, string text)
        {
            Steps.Add(new DemoStepOutput(number, text.TrimEnd(':', ',')));
            _out.WriteLine();
            _out.WriteLine($"[{number}] {text}");
        }
    }

    private static void StopService(RollbackConfig config)
    {
        try
        {
            foreach (var service in config.Graph.Get("app").Services)
                ServiceCommand.Run("app", service, ServiceCommand.Action.Stop, Path.GetTempPath(), default);
        }
        catch (RollbackException)
        {
            // best effort while cleaning up
        }
    }

    private static string Summary(SystemHealth health) =>
        $"{health.Level} ({string.Join(", ", health.Components.Where(c => c.Probes.Count > 0).Select(c => $"{c.Component} {c.Level}{Failing(c)}"))})";

    /// <summary>The first failing probe and its verdict, short enough for one line.</summary>
    private static string Failing(ComponentHealth component)
    {
        if (component.Probes.FirstOrDefault(p => p.Level != HealthLevel.Good) is not { } probe)
            return "";
        string detail = probe.Detail.Split(';')[0];
        return $" ({probe.Probe.Split(' ')[0]}: {(detail.Length > 60 ? detail[..57] + "..." : detail)})";
    }

    /// <summary>How to start this very program again: the native binary, or the .NET host with this assembly.</summary>
    private static string[] SelfCommand()
    {
        string process = Environment.ProcessPath ?? throw new RollbackException(RollbackErrorKind.Failed, "cannot tell where rollbackctl runs from");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, Path.Combine(AppContext.BaseDirectory, "rollbackctl.dll")] : [process];
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    private static string Indent(string text) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(l => "    " + l)) + "\n";
}
