using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Capture;

/// <summary>
/// A component's child directories are walked as separate pieces on all cores and put together again: the manifest is
/// in the order of one depth-first walk, and a hard link's first name is its first in that order even when its names
/// sit in different pieces (or one at the root), so every later name is a link to it and its content is read once.
/// </summary>
public sealed class SubtreeWalkTests
{
    [Fact]
    public void HardLinksAcrossSubtreesAndTheRootPointAtTheirFirstNameInWalkOrder()
    {
        using var bed = StoreTestBed.WithOneTree();
        string tree = bed.Live("tree");
        foreach (string dir in new[] { "a", "b/deep", "c", "d" })
            Directory.CreateDirectory(Path.Combine(tree, dir));
        File.WriteAllText(Path.Combine(tree, "a/x"), "shared by three names in two subtrees\n");
        Posix.Link(Path.Combine(tree, "a/x"), Path.Combine(tree, "b/deep/y"));
        Posix.Link(Path.Combine(tree, "a/x"), Path.Combine(tree, "b/z"));
        File.WriteAllText(Path.Combine(tree, "r"), "a root file linked from a subtree\n");
        Posix.Link(Path.Combine(tree, "r"), Path.Combine(tree, "c/r2"));
        File.WriteAllText(Path.Combine(tree, "d/p"), "linked within its own subtree\n");
        Posix.Link(Path.Combine(tree, "d/p"), Path.Combine(tree, "d/q"));

        var point = bed.Snapshot();
        var manifest = RecoveryStore.Open(bed.Store).LoadManifest(point, point.Components[0]);

        Assert.Equal(
            ["", "a", "a/x", "b", "b/deep", "b/deep/y", "b/z", "c", "c/r2", "d", "d/p", "d/q", "r"],
            manifest.Entries.Select(e => e.Path));
        Assert.Equal(EntryKind.Regular, manifest.Find("a/x")!.Kind);
        Assert.Equal(("a/x", "a/x"), (Link(manifest, "b/deep/y"), Link(manifest, "b/z")));
        // "c" sorts before "r": the subtree's name comes first in walk order, and the root file links to it.
        Assert.Equal(EntryKind.Regular, manifest.Find("c/r2")!.Kind);
        Assert.Equal("c/r2", Link(manifest, "r"));
        Assert.Equal("d/p", Link(manifest, "d/q"));
        Assert.Equal(3, point.Components[0].Files); // a/x, c/r2 and d/p; the links are not files of their own

        string exported = Path.Combine(bed.Export(point), "tree");
        Assert.Equal(Posix.LStat(Path.Combine(exported, "a/x")).Inode, Posix.LStat(Path.Combine(exported, "b/deep/y")).Inode);
        Assert.Equal(Posix.LStat(Path.Combine(exported, "r")).Inode, Posix.LStat(Path.Combine(exported, "c/r2")).Inode);
        Assert.Equal(3u, Posix.LStat(Path.Combine(exported, "b/z")).NLink);
        Assert.True(bed.Verify().Clean);

        // Walked again with nothing changed, the pieces give the same manifest byte for byte.
        var again = bed.Snapshot();
        Assert.Equal(point.Components[0].Manifest, again.Components[0].Manifest);
    }

    private static string Link(Manifest manifest, string path)
    {
        var entry = manifest.Find(path)!;
        Assert.Equal(EntryKind.HardLink, entry.Kind);
        return entry.LinkTarget!;
    }
}
