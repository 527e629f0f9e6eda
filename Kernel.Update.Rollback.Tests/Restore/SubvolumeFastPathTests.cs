using System.Security.Cryptography;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Restore.Subvolumes;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>
/// The btrfs fast path on a real btrfs on a loop device: a component that is a subvolume gets a read-only btrfs
/// snapshot with each point (deleted with the point), and rolls back by swapping subvolumes when nothing uses it and
/// the snapshot still matches the point's manifest; otherwise from the chunk store. Rollbacks through the real CLI.
/// </summary>
public sealed class SubvolumeFastPathTests
{
    [BtrfsFact]
    public void ASubvolumeComponentKeepsAReadOnlyBtrfsSnapshotWithEachPointThatGoesWithThePoint()
    {
        using var fs = new BtrfsMount();
        using var bed = Bed(fs, "\"retention\": { \"maxPerCategory\": 1, \"maxTotal\": 10 }");
        var first = bed.Snapshot("first");

        string snapshot = Path.Combine(bed.Store, "subvolumes", first.Id + ".app");
        Assert.True(Btrfs.IsSubvolume(snapshot));
        Assert.True(RecoveryStore.Open(bed.Store).GetPoint(first.Id).Components[0].Subvolume);
        Assert.Equal(Tree(bed.Live("opt/app")), Tree(snapshot));
        Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(snapshot, "etc/app.conf"), "changed\n"));
        CliRunner.RunWithConfig(bed.ConfigPath, "verify").EnsureSuccess();

        var second = bed.Snapshot("second");
        CliRunner.RunWithConfig(bed.ConfigPath, "prune").EnsureSuccess();

        Assert.False(Directory.Exists(snapshot));
        Assert.True(Btrfs.IsSubvolume(Path.Combine(bed.Store, "subvolumes", second.Id + ".app")));
    }

    [BtrfsFact]
    public void AnIdleSubvolumeRollsBackBySwappingInItsSnapshotAndTheUndoSwapsBack()
    {
        using var fs = new BtrfsMount();
        using var bed = Bed(fs);
        var point = bed.Snapshot("before");
        var before = Tree(bed.Live("opt/app"));
        Update(bed);
        var updated = Tree(bed.Live("opt/app"));
        ulong device = Posix.LStat(bed.Live("opt/app")).Device;

        using var json = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes", "--json").EnsureSuccess().Json();

        Assert.Equal(before, Tree(bed.Live("opt/app")));
        Assert.True(Btrfs.IsSubvolume(bed.Live("opt/app")));
        Assert.NotEqual(device, Posix.LStat(bed.Live("opt/app")).Device); // another subvolume: swapped, not rewritten
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(bed.Store, "tmp")));
        Assert.Contains("unchanged", CliRunner.RunWithConfig(bed.ConfigPath, "diff", point.Id).EnsureSuccess().StdOut, StringComparison.Ordinal);

        string safety = json.RootElement.GetProperty("safetyPointId").GetString()!;
        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", safety, "--yes").EnsureSuccess();
        Assert.Equal(updated, Tree(bed.Live("opt/app")));
    }

    [BtrfsFact]
    public void ASmallChangeIsRestoredInPlaceWhereThatIsFaster()
    {
        using var fs = new BtrfsMount();
        using var bed = Bed(fs);
        var point = bed.Snapshot("before");
        var before = Tree(bed.Live("opt/app"));
        File.WriteAllText(bed.Live("opt/app/etc/app.conf"), "v2\n");
        ulong device = Posix.LStat(bed.Live("opt/app")).Device;

        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes").EnsureSuccess();

        Assert.Equal(before, Tree(bed.Live("opt/app")));
        Assert.Equal(device, Posix.LStat(bed.Live("opt/app")).Device);
    }

    [BtrfsFact]
    public void ASubvolumeInUseIsRestoredFromTheChunkStoreInPlace()
    {
        using var fs = new BtrfsMount();
        using var bed = Bed(fs);
        var point = bed.Snapshot("before");
        var before = Tree(bed.Live("opt/app"));
        Update(bed);
        ulong device = Posix.LStat(bed.Live("opt/app")).Device;

        using (File.OpenRead(bed.Live("opt/app/data/0.dat"))) // a service still holding a file
            CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes").EnsureSuccess();

        Assert.Equal(before, Tree(bed.Live("opt/app")));
        Assert.Equal(device, Posix.LStat(bed.Live("opt/app")).Device);
    }

    [BtrfsFact]
    public void ABtrfsSnapshotChangedSinceItsPointIsIgnoredAndTheChunkStoreRestores()
    {
        using var fs = new BtrfsMount();
        using var bed = Bed(fs);
        var point = bed.Snapshot("before");
        var before = Tree(bed.Live("opt/app"));
        string snapshot = Path.Combine(bed.Store, "subvolumes", point.Id + ".app");
        Sh.Run("btrfs", "property", "set", "-ts", snapshot, "ro", "false");
        File.WriteAllText(Path.Combine(snapshot, "etc/app.conf"), "forged\n");
        Sh.Run("btrfs", "property", "set", "-ts", snapshot, "ro", "true");
        Update(bed);
        ulong device = Posix.LStat(bed.Live("opt/app")).Device;

        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes").EnsureSuccess();

        Assert.Equal(before, Tree(bed.Live("opt/app")));
        Assert.Equal(device, Posix.LStat(bed.Live("opt/app")).Device);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(bed.Store, "tmp")));
    }

    [BtrfsFact]
    public void ASwapRollbackKilledAtAnyMomentIsFinishedByRecover()
    {
        using var fs = new BtrfsMount();
        using var bed = Bed(fs);
        var point = bed.Snapshot("target");
        var target = Tree(bed.Live("opt/app"));
        Update(bed);
        var updated = Tree(bed.Live("opt/app"));
        // Back to the updated state between kills: the updated tree's own point, by swap as well.
        string updatedPoint = bed.Snapshot("updated").Id;
        void Reset() => CliRunner.RunWithConfig(bed.ConfigPath, "rollback", updatedPoint, "--yes").EnsureSuccess();

        var (inside, tried) = CliRunner.KillInRounds(bed.ConfigPath, 4, 2,
            () => CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes").EnsureSuccess(), Reset,
            (_, delay) =>
            {
                CliRunner.RunAndKillAfter(delay, "--config", bed.ConfigPath, "rollback", point.Id, "--yes");
                bool interrupted = OperationJournal.Inspect(bed.Store) is not null;
                CliRunner.RunWithConfig(bed.ConfigPath, "recover").EnsureSuccess();
                var now = Tree(bed.Live("opt/app"));
                Assert.True(now.SequenceEqual(target) || now.SequenceEqual(updated), $"killed after {delay} ms: the component is neither the target nor untouched");
                Assert.True(Btrfs.IsSubvolume(bed.Live("opt/app")));
                Assert.False(Directory.Exists(Path.Combine(bed.Store, "tmp", "swap.app")), $"killed after {delay} ms: a swap subvolume was left");
                Reset();
                return interrupted;
            });
        Assert.True(inside >= 2, $"only {inside} of {tried} kills landed inside an operation");
    }

    /// <summary>A bed on the btrfs whose component opt/app is a subvolume holding a binary, a config, 20 data files and
    /// a blob as large as the smallest change a swap is tried for.</summary>
    private static StoreTestBed Bed(BtrfsMount fs, string? extraJson = null)
    {
        var bed = new StoreTestBed("""[{ "name": "app", "category": "SystemServices", "path": "opt/app" }]""", extraJson, baseDirectory: fs.Root);
        Directory.CreateDirectory(bed.Live("opt"));
        Btrfs.CreateSubvolume(bed.Live("opt"), "app");
        Directory.CreateDirectory(bed.Live("opt/app/bin"));
        Directory.CreateDirectory(bed.Live("opt/app/etc"));
        Directory.CreateDirectory(bed.Live("opt/app/data"));
        var random = new Random(21);
        var binary = new byte[300_000];
        random.NextBytes(binary);
        File.WriteAllBytes(bed.Live("opt/app/bin/app"), binary);
        File.WriteAllText(bed.Live("opt/app/etc/app.conf"), "v1\n");
        for (int i = 0; i < 20; i++)
            File.WriteAllText(bed.Live($"opt/app/data/{i}.dat"), $"record {i}\n");
        var blob = new byte[SubvolumeSwap.WorthBytes];
        random.NextBytes(blob);
        File.WriteAllBytes(bed.Live("opt/app/data/blob"), blob);
        return bed;
    }

    /// <summary>The update: a new binary and config, a data file and the blob gone, one added.</summary>
    private static void Update(StoreTestBed bed)
    {
        var binary = new byte[310_000];
        new Random(22).NextBytes(binary);
        File.WriteAllBytes(bed.Live("opt/app/bin/app"), binary);
        File.WriteAllText(bed.Live("opt/app/etc/app.conf"), "v2\n");
        File.Delete(bed.Live("opt/app/data/7.dat"));
        File.Delete(bed.Live("opt/app/data/blob"));
        File.WriteAllText(bed.Live("opt/app/data/new.dat"), "new\n");
    }

    /// <summary>Every file's path and SHA-256, every directory's path, in order.</summary>
    private static List<string> Tree(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        var lines = new List<string>();
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", options))
            lines.Add(Path.GetRelativePath(root, path) + (File.Exists(path) ? " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "/"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
