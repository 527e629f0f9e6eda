using System.Text;
using System.Text.Json;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;
using Snapshooter.Xunit;

namespace Kernel.Update.Rollback.Tests.Cli;

/// <summary>
/// The --json of every command, pinned by snapshots: scripts outside the project read these, so a renamed or dropped
/// property fails here. Ids, times, durations and temporary paths are replaced by their roles (<see cref="SnapshotRoles"/>);
/// everything else (names, counts, sizes of deterministic content, phases, order) is compared as it is.
/// </summary>
public sealed class CliJsonTests : IDisposable
{
    private readonly StoreTestBed _bed;

    /// <summary>A 1 MiB kernel image (a block component), drivers that depend on it, and a configuration; the
    /// contents are the same in every run.</summary>
    public CliJsonTests()
    {
        _bed = new StoreTestBed("""
            [
              { "name": "kernel", "category": "KernelCore", "block": "boot/kernel.img" },
              { "name": "drivers", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] },
              { "name": "config", "category": "Configuration", "path": "etc" }
            ]
            """, """ "retention": { "maxPerCategory": 2, "maxTotal": 3 } """);
        Directory.CreateDirectory(_bed.Live("boot"));
        var image = new byte[1 << 20];
        new Random(7).NextBytes(image);
        File.WriteAllBytes(_bed.Live("boot/kernel.img"), image);
        Directory.CreateDirectory(_bed.Live("lib/modules/net"));
        File.WriteAllText(_bed.Live("lib/modules/net/eth.ko"), "driver v1\n");
        Directory.CreateDirectory(_bed.Live("etc"));
        File.WriteAllText(_bed.Live("etc/app.conf"), "port=8080\n");
    }

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void TheJsonOfSnapshotListShowVerifyDiffAndRestoreKeepsItsShape()
    {
        var snapshot = Json(["snapshot", "--name", "v1"]);
        string id = Id(snapshot, "id");
        var list = Json(["list"]);
        var show = Json(["show", id]);
        var verify = Json(["verify"]);
        File.WriteAllText(_bed.Live("etc/app.conf"), "port=9090\n");
        File.WriteAllText(_bed.Live("lib/modules/net/wifi.ko"), "new driver\n");
        using (var kernel = File.OpenWrite(_bed.Live("boot/kernel.img")))
        {
            kernel.Position = 300_000;
            kernel.Write("changed"u8);
        }
        var diff = Json(["diff", id]);
        var restore = Json(["restore", id, "--to", _bed.Scratch("copy"), "--components", "config"]);
        Match(new SnapshotRoles().Add(_bed.Scratch("copy"), "copy"),
            ("snapshot --name v1", snapshot), ("list", list), ("show", show), ("verify", verify), ("diff (after an update)", diff),
            ("restore --components config", restore));
    }

    [Fact]
    public void TheJsonOfRollbackRecoverMarkGoodEmergencyAndPruneKeepsItsShape()
    {
        string v1 = Id(Json(["snapshot", "--name", "v1"]), "id");
        var markGood = Json(["mark-good", v1]);
        File.WriteAllText(_bed.Live("lib/modules/net/eth.ko"), "driver v2\n");
        File.WriteAllText(_bed.Live("etc/app.conf"), "port=9090\n");
        var rollback = Json(["rollback", v1, "--components", "kernel", "--yes"]);
        var nothingDiffers = Json(["rollback", v1, "--components", "drivers", "--incremental", "--yes"]);
        var recover = Json(["recover"]);
        var emergency = Json(["emergency", "--yes"]);
        var confirm = Json(["mark-good"]);
        var roles = new SnapshotRoles().Points(_bed.Catalog); // before prune removes some
        var prune = Json(["prune"]);
        foreach (var output in new[] { rollback, nothingDiffers, emergency })
            roles.Add(Id(output, "operationId"), "operation");
        Match(roles,
            ("mark-good ID", markGood), ("rollback --components kernel (kernel and drivers go back)", rollback),
            ("rollback --incremental (nothing differs)", nothingDiffers), ("recover (nothing was interrupted)", recover),
            ("emergency", emergency), ("mark-good (confirms the device as it runs)", confirm), ("prune (over maxTotal 3)", prune));
    }

    [Fact]
    public void TheJsonOfRefusalsAndCorruptionKeepsItsShape()
    {
        string id = Id(Json(["snapshot"]), "id");
        var noYes = Json(["rollback", id, "--yes-please"], 2);
        var unconfirmed = Json(["rollback", id], 2);
        var unknown = Json(["show", "ffffffffffff"], 1);
        foreach (string pack in Directory.EnumerateFiles(Path.Combine(_bed.Store, "packs"), "*.pack"))
        {
            using var stream = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length - 100;
            int b = stream.ReadByte();
            stream.Position = stream.Length - 100;
            stream.WriteByte((byte)(b ^ 0xFF));
        }
        var damaged = Json(["verify"], 3);
        var graph = Json(["graph", "--format", "dot"]);
        Match(new SnapshotRoles().Add(Path.GetFileName(Directory.EnumerateFiles(Path.Combine(_bed.Store, "packs"), "*.pack").Single()), "pack"),
            ("rollback --yes-please (a usage error)", noYes), ("rollback without --yes", unconfirmed), ("show of an unknown id", unknown),
            ("verify of a damaged pack", damaged), ("graph --format dot", graph));
    }

    /// <summary>Runs one command with --json; its stdout must be exactly one JSON document, whatever the exit.</summary>
    private string Json(string[] args, int exit = 0)
    {
        var result = CliRunner.RunWithConfig(_bed.ConfigPath, [.. args, "--json"]).Expect(exit);
        using (result.Json())
            return result.StdOut.TrimEnd();
    }

    private static string Id(string json, string property)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty(property).GetString()!;
    }

    /// <summary>One snapshot of the outputs, each under its command line, with this test's roles and the bed's.</summary>
    private void Match(SnapshotRoles roles, params (string Command, string Json)[] outputs)
    {
        // addedBytes depends on scheduling: the two tiny tree files share one frame when one worker takes both, and
        // fill one frame each when both workers start in time (16 bytes more of frame header).
        roles.Points(_bed.Catalog).Reports(_bed.Store).Add(_bed.Store, "store").Add(_bed.Root, "root")
            .Mask("created", "at", "durationMs", "addedBytes");
        var text = new StringBuilder();
        foreach (var (command, json) in outputs)
            text.Append("rollbackctl ").Append(command).Append(" --json\n").Append(json).Append("\n\n");
        Snapshot.Match(roles.Apply(text.ToString()));
    }
}
