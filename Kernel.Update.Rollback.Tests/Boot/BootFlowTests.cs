using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Boot;

/// <summary>
/// Boot protection through the real CLI, boot by boot: the kernel's boot id is a file the test rewrites (as a
/// reboot would), the reboot command appends to a file. An update left unconfirmed through boot.maxAttempts
/// failed boots goes back to the last-known-good once, and then nothing counts any more.
/// </summary>
public sealed class BootFlowTests
{
    private const string Components = """
        [
          { "name": "kernel", "category": "KernelCore", "path": "boot" },
          { "name": "drivers", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] },
          { "name": "config", "category": "Configuration", "path": "etc" }
        ]
        """;

    [Fact]
    public void AnUpdateThatNeverGetsConfirmedGoesBackToTheLastKnownGoodOnceAndCannotLoop()
    {
        using var device = new Device();
        device.Cli("mark-good").EnsureSuccess();
        var good = device.Bed.Catalog.Points.Single(p => p.LastKnownGood);
        Assert.Equal(RecoveryPointReason.BootGood, good.Reason);

        device.Cli("update", "--components", "kernel", "--", "/bin/sh", "-c", device.WriteVersion("v2")).EnsureSuccess();
        var pending = device.Bed.Catalog;
        var update = pending.Points.Single(p => p.Id == pending.PendingUpdatePointId);
        Assert.Equal(RecoveryPointReason.PreUpdate, update.Reason);
        Assert.Equal(["kernel", "drivers"], update.Components.Select(c => c.Name)); // the kernel and what is built on it
        Assert.Equal("v2", device.Version("boot/vmlinuz"));

        // The boot that applied the update is counted already; each later boot judges the one before it.
        Assert.Equal(("AlreadyCounted", 0), device.BootCheck());
        device.Reboot();
        Assert.Equal(("Counted", 1), device.BootCheck());
        Assert.Equal(("AlreadyCounted", 1), device.BootCheck()); // twice in one boot: counted once
        device.Reboot();
        Assert.Equal(("Counted", 2), device.BootCheck());
        Assert.Empty(device.Reboots);
        device.Reboot();
        using (var json = device.Cli("boot-check", "--json").EnsureSuccess().Json())
        {
            Assert.Equal("RolledBack", json.RootElement.GetProperty("verdict").GetString());
            Assert.Equal(good.Id, json.RootElement.GetProperty("rollbackTarget").GetString());
        }
        Assert.Equal("v1", device.Version("boot/vmlinuz"));
        Assert.Equal("v1", device.Version("lib/modules/net.ko"));
        Assert.Equal("v2", device.Version("etc/app.conf")); // not the update's: left alone
        Assert.Single(device.Reboots);
        Assert.Null(device.Bed.Catalog.PendingUpdatePointId);

        var report = Assert.Single(FailureReports.All(device.Bed.Store));
        Assert.Equal(Kernel.Update.Rollback.Health.TriggerKind.BootFailure, report.Trigger);
        Assert.Equal(["kernel", "drivers"], report.Components);
        Assert.Equal("Completed", report.Result);
        var shown = device.Cli("show", good.Id).EnsureSuccess().StdOut;
        Assert.Contains("Failure report", shown);
        Assert.Contains("BootFailure: 3 boots", shown);

        // Back on the last-known-good, nothing counts: however often it reboots, it never rolls back again.
        for (int i = 0; i < 4; i++)
        {
            device.Reboot();
            Assert.Equal(("NothingPending", 0), device.BootCheck());
        }
        Assert.Single(device.Reboots);
        Assert.Contains(File.ReadAllLines(Path.Combine(device.Bed.Store, "audit.jsonl")),
            line => line.Contains("\"operation\":\"trigger\"") && line.Contains("BootFailure"));
    }

    [Fact]
    public void CleanShutdownsAreNotFailedBootsAndMarkGoodEndsTheCount()
    {
        using var device = new Device();
        device.Cli("mark-good").EnsureSuccess();
        device.Cli("update", "--components", "kernel", "--", "/bin/sh", "-c", device.WriteVersion("v2")).EnsureSuccess();

        for (int i = 0; i < 5; i++)
        {
            device.Cli("boot-check", "--shutdown").EnsureSuccess(); // a deliberate reboot
            device.Reboot();
            Assert.Equal(("Counted", 0), device.BootCheck());
        }
        device.Reboot(); // this one was cut off: no clean shutdown
        Assert.Equal(("Counted", 1), device.BootCheck());

        using (var json = device.Cli("mark-good", "--json").EnsureSuccess().Json())
            Assert.NotNull(json.RootElement.GetProperty("confirmedUpdate").GetString());
        var catalog = device.Bed.Catalog;
        Assert.Null(catalog.PendingUpdatePointId);
        var good = catalog.Points.Single(p => p.LastKnownGood);
        Assert.Equal(RecoveryPointReason.BootGood, good.Reason);
        for (int i = 0; i < 4; i++)
        {
            device.Reboot();
            Assert.Equal(("NothingPending", 0), device.BootCheck());
        }
        Assert.Equal("v2", device.Version("boot/vmlinuz"));
        Assert.Empty(device.Reboots);
    }

    [Fact]
    public void ABootCheckKilledAtAnyMomentCountsItsBootOnce()
    {
        using var device = new Device();
        device.Cli("mark-good").EnsureSuccess();
        device.Cli("update", "--components", "config", "--", "/bin/sh", "-c", device.WriteVersion("v2")).EnsureSuccess();
        var moments = CliRunner.KillMoments(device.Bed.ConfigPath, 8, () => device.BootCheck(), () => { });
        int expected = 0;
        foreach (int moment in moments)
        {
            device.Reboot(); // the boot before ended without a clean shutdown
            expected++;
            CliRunner.RunAndKillAfter(moment, "--config", device.Bed.ConfigPath, "boot-check");
            // Whether the kill came before or after the count was written, the boot counts once.
            Assert.Equal(expected, device.BootCheck().Failed);
            Assert.Equal(expected, device.BootCheck().Failed);
            if (expected == 2)
            {
                // Stay below maxAttempts: confirm, and start a new update whose count starts again.
                device.Cli("mark-good").EnsureSuccess();
                device.Cli("update", "--components", "config", "--", "/bin/true").EnsureSuccess();
                expected = 0;
            }
        }
        Assert.Empty(device.Reboots);
    }

    [Fact]
    public void AFailedOrTimedOutUpdateIsRolledBackAtOnce()
    {
        using var device = new Device();
        var failed = device.Cli("update", "--components", "kernel", "--json", "--", "/bin/sh", "-c", device.WriteVersion("v2") + "; exit 7");
        Assert.Equal(1, failed.ExitCode);
        using (var json = failed.Json())
        {
            Assert.Equal("RolledBack", json.RootElement.GetProperty("result").GetString());
            Assert.Equal(7, json.RootElement.GetProperty("exitCode").GetInt32());
            Assert.Equal("UpdateFailure", json.RootElement.GetProperty("trigger").GetString());
        }
        Assert.Equal("v1", device.Version("boot/vmlinuz"));
        Assert.Equal("v1", device.Version("lib/modules/net.ko"));
        Assert.Null(device.Bed.Catalog.PendingUpdatePointId);

        // A hung installer: killed with everything it started, then rolled back.
        string pidFile = device.Bed.Scratch("sleeper.pid");
        var timedOut = device.Cli("update", "--components", "kernel", "--timeout", "2s", "--", "/bin/sh", "-c",
            device.WriteVersion("v3") + $"; sleep 300 & echo $! > {pidFile}; wait");
        Assert.Equal(1, timedOut.ExitCode);
        Assert.Contains("TimeoutExceeded", timedOut.StdOut);
        Assert.Equal("v1", device.Version("boot/vmlinuz"));
        int sleeper = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.False(Directory.Exists($"/proc/{sleeper}") && !File.ReadAllText($"/proc/{sleeper}/stat").Contains(") Z"), "the installer's child still runs");
        Assert.Equal(2, FailureReports.All(device.Bed.Store).Count);
    }

    [Fact]
    public void AnEmergencyRollbackEndsThePendingUpdate()
    {
        using var device = new Device();
        device.Cli("mark-good").EnsureSuccess();
        device.Cli("update", "--components", "kernel", "--", "/bin/sh", "-c", device.WriteVersion("v2")).EnsureSuccess();
        Assert.NotNull(device.Bed.Catalog.PendingUpdatePointId);
        device.Cli("emergency", "--yes").EnsureSuccess();
        Assert.Null(device.Bed.Catalog.PendingUpdatePointId);
        Assert.Equal("v1", device.Version("boot/vmlinuz"));
        Assert.Equal("v1", device.Version("etc/app.conf"));
        device.Reboot();
        Assert.Equal(("NothingPending", 0), device.BootCheck());
    }

    [Fact]
    public void ASecondUpdateIsRefusedWhileOneIsPending()
    {
        using var device = new Device();
        device.Cli("update", "--components", "config", "--", "/bin/true").EnsureSuccess();
        var second = device.Cli("update", "--components", "kernel", "--", "/bin/sh", "-c", device.WriteVersion("v9"));
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already pending", second.StdErr);
        Assert.Equal("v1", device.Version("boot/vmlinuz")); // the command never ran
        Assert.Equal(2, device.Cli("update", "--components", "config").ExitCode); // no command
        Assert.Equal(2, device.Cli("update", "--", "/bin/true").ExitCode); // no components
    }

    [Fact]
    public void TheJsonOfUpdateAndBootCheckKeepsItsShape()
    {
        using var device = new Device();
        device.Cli("mark-good").EnsureSuccess();
        var failed = device.Cli("update", "--components", "kernel", "--json", "--", "/bin/sh", "-c", "exit 7").Expect(1);
        device.Cli("update", "--components", "config", "--", "/bin/true").EnsureSuccess();
        File.WriteAllText(device.BootIdFile, "a-later-boot\n");
        var counted = device.Cli("boot-check", "--json").EnsureSuccess();
        var shutdown = device.Cli("boot-check", "--shutdown", "--json").EnsureSuccess();
        // Ids are new in every run: each one is replaced by its role.
        var roles = new SnapshotRoles().Reports(device.Bed.Store);
        foreach (var point in device.Bed.Catalog.Points)
            roles.Add(point.Id, $"point {point.Reason}{(point.Id == device.Bed.Catalog.PendingUpdatePointId ? " pending" : "")}");
        string text = roles.Apply($"update (failed):\n{failed.StdOut}\nboot-check:\n{counted.StdOut}\nboot-check --shutdown:\n{shutdown.StdOut}");
        Snapshooter.Xunit.Snapshot.Match(text);
    }

    /// <summary>A device root with a kernel, drivers and config at "v1", a boot id file and a reboot log.</summary>
    private sealed class Device : IDisposable
    {
        private int _boot;

        public Device()
        {
            string temp = Path.Combine(Path.GetTempPath(), "boot-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temp);
            BootIdFile = Path.Combine(temp, "boot_id");
            RebootLog = Path.Combine(temp, "reboots");
            Bed = new StoreTestBed(Components,
                $$""" "boot": { "maxAttempts": 3, "bootIdFile": "{{BootIdFile}}", "rebootCommand": "echo reboot >> {{RebootLog}}" } """);
            _temp = temp;
            Reboot();
            foreach (string directory in new[] { "boot", "lib/modules", "etc" })
                Directory.CreateDirectory(Bed.Live(directory));
            Cli("--verbose", "list"); // nothing; warms nothing either, but proves the config loads
            System.Diagnostics.Process.Start("/bin/sh", ["-c", WriteVersion("v1")])!.WaitForExit();
        }

        private readonly string _temp;
        public StoreTestBed Bed { get; }
        public string BootIdFile { get; }
        public string RebootLog { get; }

        public string[] Reboots => File.Exists(RebootLog) ? File.ReadAllLines(RebootLog) : [];

        public void Reboot() => File.WriteAllText(BootIdFile, $"boot-{++_boot}-{Guid.NewGuid()}\n");

        public string WriteVersion(string version) =>
            $"printf {version} > {Bed.Live("boot/vmlinuz")} && printf {version} > {Bed.Live("lib/modules/net.ko")} && printf {version} > {Bed.Live("etc/app.conf")}";

        public string Version(string relative) => File.ReadAllText(Bed.Live(relative));

        public CliResult Cli(params string[] args) => CliRunner.RunWithConfig(Bed.ConfigPath, args);

        public (string Verdict, int Failed) BootCheck()
        {
            using var json = Cli("boot-check", "--json").EnsureSuccess().Json();
            return (json.RootElement.GetProperty("verdict").GetString()!, json.RootElement.GetProperty("failedBoots").GetInt32());
        }

        public void Dispose()
        {
            Bed.Dispose();
            Directory.Delete(_temp, recursive: true);
        }
    }
}
