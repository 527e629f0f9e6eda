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

    [Fact]
    public void ADirectoryTooLargeForOnePieceIsSplitAndTheManifestIsTheSameByteForByte()
    {
        using var bed = StoreTestBed.WithOneTree();
        string tree = bed.Live("tree");
        // "big" holds nearly every name: with a previous snapshot it is described in place and its children are the pieces,
        // and "big/s3" (deeper still, over the share) is split again.
        for (int d = 1; d <= 6; d++)
            for (int f = 0; f < (d == 3 ? 40 : 8); f++)
            {
                string dir = Path.Combine(tree, "big", $"s{d}", f % 2 == 0 ? "" : "odd");
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, $"f{f}"), $"file {d}/{f}\n");
            }
        File.WriteAllText(Path.Combine(tree, "big", "plain"), "a file of the split directory itself\n");
        File.WriteAllText(Path.Combine(tree, "top"), "a root file\n");
        // Hard links across pieces, across a piece and a name described in place, and from the root.
        Posix.Link(Path.Combine(tree, "big/s5/f0"), Path.Combine(tree, "big/s1/link-to-s5"));
        Posix.Link(Path.Combine(tree, "big/plain"), Path.Combine(tree, "big/s2/link-to-plain"));
        Posix.Link(Path.Combine(tree, "big/s3/odd/f1"), Path.Combine(tree, "top-link"));

        var first = bed.Snapshot(); // no previous snapshot: only the root's children are pieces
        var second = bed.Snapshot(); // split by the first one's counts

        Assert.Equal(first.Components[0].Manifest, second.Components[0].Manifest);
        var manifest = RecoveryStore.Open(bed.Store).LoadManifest(second, second.Components[0]);
        Assert.Equal(EntryKind.Regular, manifest.Find("big/s1/link-to-s5")!.Kind); // s1 comes before s5
        Assert.Equal("big/s1/link-to-s5", Link(manifest, "big/s5/f0"));
        Assert.Equal("big/plain", Link(manifest, "big/s2/link-to-plain")); // "plain" sorts before "s2"
        Assert.Equal("big/s3/odd/f1", Link(manifest, "top-link"));

        // A change inside a piece of the split directory is seen, and the tree restores from that point.
        File.WriteAllText(Path.Combine(tree, "big/s3/odd/f3"), "changed\n");
        var third = bed.Snapshot();
        Assert.NotEqual(second.Components[0].Manifest, third.Components[0].Manifest);
        Assert.True(bed.LiveEquals(third, "tree"));
        Assert.True(bed.Verify().Clean);
    }

    private static string Link(Manifest manifest, string path)
    {
        var entry = manifest.Find(path)!;
        Assert.Equal(EntryKind.HardLink, entry.Kind);
        return entry.LinkTarget!;
    }
}
