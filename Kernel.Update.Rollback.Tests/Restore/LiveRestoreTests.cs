using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>
/// Delta restore of a live tree: every kind of change is undone, the result equals the snapshot by bsdtar
/// mtree + getfattr, a second run finds nothing to do, and nothing is written through a symlink.
/// </summary>
public sealed class LiveRestoreTests
{
    [TreeCompareFact]
    public void EveryKindOfChangeIsUndoneAndNothingIsWrittenThroughASymlink()
    {
        using var bed = StoreTestBed.WithOneTree("app", "opt/app");
        var (point, expected, outside) = ChangeEverything(bed);
        string app = bed.Live("opt/app");

        var store = RecoveryStore.Open(bed.Store);
        var live = new LiveComponents(bed.Config, store, NullLogger.Instance);
        var record = store.GetPoint(point.Id).Components[0];
        var diff = live.Diff(point, record);
        Assert.Contains(diff.Changes, c => c.Path == "bin" && c.Kind == LiveChangeKind.Modified);
        Assert.Contains(diff.Changes, c => c.Path == "share/new-file" && c.Kind == LiveChangeKind.Added);
        Assert.Contains(diff.Changes, c => c.Path == "share/readme" && c.Kind == LiveChangeKind.Removed);
        Assert.Contains(diff.Changes, c => c.Path == "lib/plugins" && c.Kind == LiveChangeKind.Modified);
        Assert.Contains(diff.Changes, c => c.Path == "app.conf" && c.Kind == LiveChangeKind.Modified);

        live.Restore(point, record);

        TreeComparer.AssertEqual(Path.Combine(expected, "opt/app"), app);
        Assert.Equal(["victim"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Equal("untouched", File.ReadAllText(Path.Combine(outside, "victim")));
        Assert.True(live.Diff(point, record).IsEmpty, string.Join("\n", live.Diff(point, record).Changes));
    }

    [TreeCompareFact]
    public void ATouchedButIdenticalFileCostsAMetadataFixNotARewrite()
    {
        using var bed = StoreTestBed.WithOneTree();
        File.WriteAllBytes(bed.Live("tree/big"), Bytes(1 << 20, 5));
        var point = bed.Snapshot();
        ulong inode = Kernel.Update.Rollback.Native.Posix.LStat(bed.Live("tree/big")).Inode;
        File.SetLastWriteTimeUtc(bed.Live("tree/big"), DateTime.UtcNow.AddDays(-3));

        var store = RecoveryStore.Open(bed.Store);
        var live = new LiveComponents(bed.Config, store, NullLogger.Instance);
        var plan = live.Restore(point, point.Components[0]);

        Assert.Empty(plan.Create);
        Assert.Single(plan.FixMetadata, e => e.Path == "big");
        Assert.Equal(inode, Kernel.Update.Rollback.Native.Posix.LStat(bed.Live("tree/big")).Inode);
        Assert.True(live.Diff(point, point.Components[0]).IsEmpty);
    }

    [TreeCompareFact]
    public void AMissingComponentDirectoryIsRecreated()
    {
        using var bed = StoreTestBed.WithOneTree("data", "var/lib/data");
        File.WriteAllText(bed.Live("var/lib/data/db"), "rows");
        var point = bed.Snapshot();
        string expected = bed.Export(point);
        Directory.Delete(bed.Live("var/lib"), recursive: true);

        var store = RecoveryStore.Open(bed.Store);
        new LiveComponents(bed.Config, store, NullLogger.Instance).Restore(point, point.Components[0]);

        TreeComparer.AssertEqual(Path.Combine(expected, "var/lib/data"), bed.Live("var/lib/data"));
    }

    [TreeCompareFact]
    public void TheSafetyPointsManifestGivesTheSamePlanAsWalkingTheTree()
    {
        using var bed = StoreTestBed.WithOneTree("app", "opt/app");
        var (point, _, _) = ChangeEverything(bed);
        var store = RecoveryStore.Open(bed.Store);
        var record = point.Components[0];
        var target = store.LoadManifest(point, record);

        var walked = new LiveComponents(bed.Config, store, NullLogger.Instance).Diff(point, record);
        var written = new Dictionary<string, Manifest>();
        new Snapshotter(bed.Config, NullLogger.Instance).Create(new SnapshotRequest("safety", RecoveryPointReason.PreRollback, ["app"])
        {
            QuickCheckAgainst = new Dictionary<string, Manifest> { ["app"] = target },
            ContentRead = manifests =>
            {
                foreach (var (name, manifest) in manifests)
                    written[name] = manifest;
            },
        });
        var compared = ManifestComparer.Compare(written["app"], target);

        Assert.Equal(Sorted(walked.Remove), Sorted(compared.Remove));
        Assert.Equal(Sorted(walked.Create.Select(e => e.Path)), Sorted(compared.Create.Select(e => e.Path)));
        Assert.Equal(Sorted(walked.FixMetadata.Select(e => e.Path)), Sorted(compared.FixMetadata.Select(e => e.Path)));
        Assert.Equal(Sorted(walked.Changes.Select(c => $"{c.Kind} {c.Path}: {c.Detail}")), Sorted(compared.Changes.Select(c => $"{c.Kind} {c.Path}: {c.Detail}")));
        Assert.Contains(compared.FixMetadata, e => e.Path == "VERSION"); // touched only: a metadata fix, not a rewrite
        Assert.DoesNotContain(compared.Create, e => e.Path == "VERSION");
    }

    private static List<string> Sorted(IEnumerable<string> items) => items.Order(StringComparer.Ordinal).ToList();

    /// <summary>Snapshots a small app tree, then changes it every way an update can: content, size, deletion,
    /// addition, type changes, metadata, a file touched but identical, and a directory swapped for a symlink out.</summary>
    private static (RecoveryPointRecord Point, string Expected, string Outside) ChangeEverything(StoreTestBed bed)
    {
        string app = bed.Live("opt/app");
        Directory.CreateDirectory(Path.Combine(app, "lib/plugins"));
        Directory.CreateDirectory(Path.Combine(app, "share"));
        File.WriteAllBytes(Path.Combine(app, "bin"), Bytes(300_000, 1));
        File.WriteAllText(Path.Combine(app, "app.conf"), "port=80\n");
        File.WriteAllBytes(Path.Combine(app, "lib/plugins/a.so"), Bytes(50_000, 2));
        File.WriteAllText(Path.Combine(app, "share/readme"), "hello\n");
        File.WriteAllText(Path.Combine(app, "VERSION"), "1.0\n");
        File.CreateSymbolicLink(Path.Combine(app, "current"), "bin");
        Kernel.Update.Rollback.Native.Posix.Link(Path.Combine(app, "bin"), Path.Combine(app, "bin-link"));
        Run("setfattr", "-n", "user.origin", "-v", "factory", Path.Combine(app, "app.conf"));
        var point = bed.Snapshot("before");
        string expected = bed.Export(point);

        // The update: content, size, deletion, addition, type changes, metadata, and a directory swapped for a symlink out.
        string outside = bed.Scratch("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "victim"), "untouched");
        File.WriteAllBytes(Path.Combine(app, "bin"), Bytes(300_000, 3));                  // same size, new content (breaks the hard link? no: same inode)
        File.AppendAllText(Path.Combine(app, "app.conf"), "debug=1\n");
        File.Delete(Path.Combine(app, "share/readme"));
        File.WriteAllText(Path.Combine(app, "share/new-file"), "new");
        Directory.Delete(Path.Combine(app, "lib/plugins"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(app, "lib/plugins"), outside);
        File.Delete(Path.Combine(app, "current"));
        Directory.CreateDirectory(Path.Combine(app, "current"));
        File.SetUnixFileMode(Path.Combine(app, "share"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Run("setfattr", "-x", "user.origin", Path.Combine(app, "app.conf"));
        Run("chown", "1234:1234", Path.Combine(app, "app.conf"));
        File.SetLastWriteTimeUtc(Path.Combine(app, "VERSION"), DateTime.UtcNow.AddDays(-3)); // touched, same content
        return (point, expected, outside);
    }


    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void Run(string file, params string[] args) =>
        ProcessRunner.Run(new ProcessOptions { FileName = file, Arguments = args }).EnsureSuccess();
}
