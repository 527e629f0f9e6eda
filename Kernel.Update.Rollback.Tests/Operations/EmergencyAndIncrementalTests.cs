using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Operations;

/// <summary>Through the real CLI: the last-known-good point as a target (mark-good, emergency, rollback
/// last-known-good), and incremental rollbacks that touch only what differs.</summary>
public sealed class EmergencyAndIncrementalTests
{
    [Fact]
    public void EmergencyTakesEveryComponentBackToTheLastKnownGoodAndOnlyWithYes()
    {
        using var bed = Bed();
        var good = bed.Snapshot("good");
        Write(bed, "v2");
        var later = bed.Snapshot("later");
        Write(bed, "v3");

        var none = CliRunner.RunWithConfig(bed.ConfigPath, "emergency", "--yes");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("mark-good", none.StdErr);

        CliRunner.RunWithConfig(bed.ConfigPath, "mark-good", later.Id).EnsureSuccess();
        CliRunner.RunWithConfig(bed.ConfigPath, "mark-good", good.Id[..6]).EnsureSuccess();
        var catalog = RecoveryStore.Open(bed.Store).Catalog;
        Assert.Equal([good.Id], catalog.Points.Where(p => p.LastKnownGood).Select(p => p.Id)); // the flag moved

        var refused = CliRunner.RunWithConfig(bed.ConfigPath, "emergency");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("kernel v3\n", File.ReadAllText(bed.Live("boot/vmlinuz")));

        using var json = CliRunner.RunWithConfig(bed.ConfigPath, "emergency", "--yes", "--json").EnsureSuccess().Json();
        Assert.Equal(good.Id, json.RootElement.GetProperty("pointId").GetString());
        Assert.Equal(["kernel", "drivers", "config"], json.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("kernel v1\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
        Assert.Equal("driver v1\n", File.ReadAllText(bed.Live("lib/modules/net.ko")));
        Assert.Equal("config v1\n", File.ReadAllText(bed.Live("etc/app.conf")));
        Assert.Contains("\"operation\":\"mark-good\"", File.ReadAllText(Path.Combine(bed.Store, "audit.jsonl")));
    }

    [Fact]
    public void AnIncrementalRollbackTouchesOnlyWhatDiffersAndItsDependents()
    {
        using var bed = Bed();
        var target = bed.Snapshot("target");
        File.WriteAllText(bed.Live("boot/vmlinuz"), "kernel v2\n");

        using (var json = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--incremental", "--yes", "--json").EnsureSuccess().Json())
            Assert.Equal(["kernel", "drivers"], json.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("kernel v1\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
        var audit = File.ReadAllLines(Path.Combine(bed.Store, "audit.jsonl"));
        Assert.Contains(audit, line => line.Contains("\"operation\":\"rollback\"") && line.Contains("\"scope\":\"Incremental\""));

        int points = RecoveryStore.Open(bed.Store).Catalog.Points.Count;
        var nothing = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--incremental", "--yes").EnsureSuccess();
        Assert.Contains("Nothing differs", nothing.StdOut);
        Assert.Equal(points, RecoveryStore.Open(bed.Store).Catalog.Points.Count); // not even a safety point
    }

    private static StoreTestBed Bed() => StoreTestBed.WithKernelDriversAndConfig("v1");

    private static void Write(StoreTestBed bed, string version) => bed.WriteVersion(version);
}
