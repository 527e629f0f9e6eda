using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Capture;

/// <summary>
/// Taking a snapshot leaves the access times of what it reads alone (O_NOATIME): it should not change what it
/// captures, and every access time it moved would be an inode the next syncfs writes. The probe behind
/// <see cref="AccessTimeFactAttribute"/> shows that a plain read here does move them.
/// </summary>
public sealed class AccessTimeTests
{
    private static readonly DateTime LongAgo = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [AccessTimeFact]
    public void ASnapshotReadsFilesAndListsDirectoriesWithoutMovingTheirAccessTimes()
    {
        using var bed = StoreTestBed.WithOneTree();
        string tree = bed.Live("tree");
        Directory.CreateDirectory(Path.Combine(tree, "etc/deep"));
        File.WriteAllText(Path.Combine(tree, "etc/deep/file"), "read by the snapshot\n");
        File.WriteAllText(Path.Combine(tree, "top"), "also read\n");
        // Older than their modification: relatime would move every one of them on the first read or listing.
        string[] paths = [tree, Path.Combine(tree, "etc"), Path.Combine(tree, "etc/deep"), Path.Combine(tree, "etc/deep/file"), Path.Combine(tree, "top")];
        foreach (string path in paths)
            SetAccessTime(path, LongAgo);

        var point = bed.Snapshot();

        Assert.Equal(2, point.Components[0].Files);
        foreach (string path in paths)
            Assert.True(AccessTime(path) == LongAgo, $"{path}: access time moved to {AccessTime(path):O}");
    }

    private static void SetAccessTime(string path, DateTime when)
    {
        if (Directory.Exists(path))
            Directory.SetLastAccessTimeUtc(path, when);
        else
            File.SetLastAccessTimeUtc(path, when);
    }

    private static DateTime AccessTime(string path) =>
        Directory.Exists(path) ? Directory.GetLastAccessTimeUtc(path) : File.GetLastAccessTimeUtc(path);
}
