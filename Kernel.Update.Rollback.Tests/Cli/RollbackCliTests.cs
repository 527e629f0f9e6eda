using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Cli;

/// <summary>rollbackctl rollback and recover: confirmation, refusal of a damaged point, dependency order.</summary>
public sealed class RollbackCliTests
{
    private static StoreTestBed Bed(out string id)
    {
        var bed = new StoreTestBed("""
            [
              { "name": "kernel", "category": "KernelCore", "path": "boot" },
              { "name": "drivers", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] },
              { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["drivers", "config"] },
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "data", "category": "UserData", "path": "var/data" }
            ]
            """);
        foreach (string dir in new[] { "boot", "lib/modules", "opt/app", "etc", "var/data" })
        {
            Directory.CreateDirectory(bed.Live(dir));
            File.WriteAllText(bed.Live(dir + "/file"), "version 1 of " + dir);
        }
        id = bed.Snapshot("v1").Id;
        foreach (string dir in new[] { "boot", "lib/modules", "opt/app", "etc", "var/data" })
            File.WriteAllText(bed.Live(dir + "/file"), "version 2 of " + dir);
        return bed;
    }

    [Fact]
    public void WithoutYesNothingChangesAndTheExitIsTwo()
    {
        using var bed = Bed(out string id);
        var result = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", id).Expect(2);
        Assert.Contains("--yes", result.StdErr);
        Assert.Equal("version 2 of boot", File.ReadAllText(bed.Live("boot/file")));
        Assert.Single(bed.Catalog.Points); // not even a safety point
    }

    [Fact]
    public void APartialRollbackTakesTheDependentsInDependencyOrderAndLeavesTheRestAlone()
    {
        using var bed = Bed(out string id);
        using var json = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", id, "--components", "kernel", "--yes", "--json").EnsureSuccess().Json();
        var order = json.RootElement.GetProperty("components").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["kernel", "drivers", "app"], order);
        Assert.Equal("Completed", json.RootElement.GetProperty("phase").GetString());
        Assert.Equal("version 1 of boot", File.ReadAllText(bed.Live("boot/file")));
        Assert.Equal("version 1 of lib/modules", File.ReadAllText(bed.Live("lib/modules/file")));
        Assert.Equal("version 1 of opt/app", File.ReadAllText(bed.Live("opt/app/file")));
        Assert.Equal("version 2 of etc", File.ReadAllText(bed.Live("etc/file")));
        Assert.Equal("version 2 of var/data", File.ReadAllText(bed.Live("var/data/file")));

        // The safety point undoes the rollback.
        string safety = json.RootElement.GetProperty("safetyPointId").GetString()!;
        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", safety, "--components", "kernel", "--exact", "--yes").EnsureSuccess();
        Assert.Equal("version 2 of boot", File.ReadAllText(bed.Live("boot/file")));
        Assert.Equal("version 1 of lib/modules", File.ReadAllText(bed.Live("lib/modules/file")));
    }

    [Fact]
    public void ADamagedRecoveryPointIsRefusedWithExitThreeBeforeAnythingLiveChanges()
    {
        using var bed = Bed(out string id);
        foreach (string pack in Directory.EnumerateFiles(Path.Combine(bed.Store, "packs"), "*.pack"))
        {
            using var stream = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length - 1;
            int b = stream.ReadByte();
            stream.Position = stream.Length - 1;
            stream.WriteByte((byte)(b ^ 0xFF));
        }
        var result = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", id, "--yes").Expect(3);
        Assert.Contains(id, result.StdErr);
        foreach (string dir in new[] { "boot", "lib/modules", "opt/app", "etc", "var/data" })
            Assert.Equal("version 2 of " + dir, File.ReadAllText(bed.Live(dir + "/file")));
        CliRunner.RunWithConfig(bed.ConfigPath, "recover").EnsureSuccess();
    }

    [Fact]
    public void SnapshotsRollbacksAndPrunesAreInTheAuditLogWithActorTimesAndResult()
    {
        using var bed = Bed(out string id);
        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", id, "--components", "config", "--yes").EnsureSuccess();
        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", "ffffffffffff", "--yes").Expect(1);
        CliRunner.RunWithConfig(bed.ConfigPath, "prune").EnsureSuccess();

        var lines = File.ReadAllLines(Path.Combine(bed.Store, "audit.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var operations = lines.Select(l => l.GetProperty("operation").GetString() + ":" + l.GetProperty("result").GetString()).ToList();
        // v1 (the test bed's snapshot), the safety point, the rollback, the prune. An unknown point is refused before it starts.
        Assert.Equal(["snapshot:ok", "snapshot:ok", "rollback:Completed", "prune:ok"], operations);
        var rollback = lines[2];
        Assert.Equal(id, rollback.GetProperty("id").GetString());
        Assert.Equal("Partial", rollback.GetProperty("scope").GetString());
        Assert.Equal(["config", "app"], rollback.GetProperty("components").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("uid", rollback.GetProperty("actor").GetString());
        Assert.True(rollback.GetProperty("end").GetDateTimeOffset() >= rollback.GetProperty("start").GetDateTimeOffset());
        Assert.Equal("PreRollback", lines[1].GetProperty("scope").GetString());
    }

    [Fact]
    public void RecoverWithNothingInterruptedExitsZero()
    {
        using var bed = Bed(out _);
        Assert.Contains("Nothing was interrupted", CliRunner.RunWithConfig(bed.ConfigPath, "recover").EnsureSuccess().StdOut);
    }
}
