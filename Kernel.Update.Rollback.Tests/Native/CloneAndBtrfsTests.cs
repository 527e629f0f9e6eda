using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class CloneAndBtrfsTests
{
    [Fact]
    public void FiCloneOnExt4OrTmpfsFailsWithATypedErrnoAndTryFiCloneReturnsFalse()
    {
        using var dir = new TempDir();
        if (Btrfs.IsBtrfs(dir.Path))
            return; // /tmp itself is btrfs here: the btrfs tests below cover success
        string src = dir.WriteFile("src", "data");
        using var s = Posix.Open(src, OpenFlags.ReadOnly);
        using var d = Posix.Open(dir["dst"], OpenFlags.WriteOnly | OpenFlags.Create, 0x1A4);

        var ex = Assert.Throws<NativeException>(() => Posix.FiClone(d, s));

        Assert.True(ex.Error is Errno.EOPNOTSUPP or Errno.EXDEV, ex.Message);
        Assert.Contains("FICLONE", ex.Message, StringComparison.Ordinal);
        Assert.False(Posix.TryFiClone(d, s));
    }

    [BtrfsFact]
    public void FiCloneAndFiCloneRangeShareDataOnBtrfs()
    {
        using var fs = new BtrfsMount();
        byte[] data = new byte[3 * 4096];
        Random.Shared.NextBytes(data);
        File.WriteAllBytes(fs["src"], data);
        using var src = Posix.Open(fs["src"], OpenFlags.ReadOnly);

        using (var dst = Posix.Open(fs["whole"], OpenFlags.WriteOnly | OpenFlags.Create, 0x1A4))
            Posix.FiClone(dst, src);
        using (var dst = Posix.Open(fs["range"], OpenFlags.WriteOnly | OpenFlags.Create, 0x1A4))
            Posix.FiCloneRange(dst, 0, src, 4096, 8192);

        Assert.Equal(data, File.ReadAllBytes(fs["whole"]));
        Assert.Equal(data[4096..], File.ReadAllBytes(fs["range"]));
    }

    [BtrfsFact]
    public void ReadOnlySnapshotIsASubvolumeWithTheSourceContentAndRefusesWrites()
    {
        using var fs = new BtrfsMount();
        Btrfs.CreateSubvolume(fs.Root, "root");
        File.WriteAllText(fs["root/file"], "before");

        Btrfs.CreateSnapshot(fs["root"], fs.Root, "snap", readOnly: true);
        File.WriteAllText(fs["root/file"], "after");

        Assert.True(Btrfs.IsSubvolume(fs["root"]));
        Assert.True(Btrfs.IsSubvolume(fs["snap"]));
        Assert.True(Btrfs.IsSubvolume(fs.Root)); // the top-level subvolume
        Assert.Equal("before", File.ReadAllText(fs["snap/file"]));
        var ex = Assert.Throws<NativeException>(() => Posix.Open(fs["snap/new"], OpenFlags.WriteOnly | OpenFlags.Create, 0x1A4));
        Assert.Equal(Errno.EROFS, ex.Error);
        Assert.True(Posix.StatVfs(fs["snap"]).TotalBytes > 0);
    }

    [BtrfsFact]
    public void WritableSnapshotCanBeChangedAndDeletedWithoutTouchingTheSource()
    {
        using var fs = new BtrfsMount();
        Btrfs.CreateSubvolume(fs.Root, "root");
        File.WriteAllText(fs["root/file"], "source");
        Btrfs.CreateSnapshot(fs["root"], fs.Root, "work", readOnly: false);

        File.WriteAllText(fs["work/file"], "changed");
        Btrfs.DeleteSubvolume(fs.Root, "work");

        Assert.False(Directory.Exists(fs["work"]));
        Assert.Equal("source", File.ReadAllText(fs["root/file"]));
    }

    [BtrfsFact]
    public void ARegularDirectoryOnBtrfsIsNotASubvolumeAndDeletingItFails()
    {
        using var fs = new BtrfsMount();
        Directory.CreateDirectory(fs["plain"]);
        Assert.False(Btrfs.IsSubvolume(fs["plain"]));
        Assert.False(Btrfs.IsSubvolume(fs["missing"]));
        var ex = Assert.Throws<NativeException>(() => Btrfs.DeleteSubvolume(fs.Root, "plain"));
        Assert.Equal("ioctl", ex.Call);
        Assert.Contains("BTRFS_IOC_SNAP_DESTROY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectoryOutsideBtrfsIsNotASubvolume()
    {
        using var dir = new TempDir();
        Assert.Equal(Btrfs.IsBtrfs(dir.Path) && Posix.LStat(dir.Path).Inode == 256, Btrfs.IsSubvolume(dir.Path));
        Assert.False(Btrfs.IsSubvolume(dir.WriteFile("f", "")));
    }

    [Fact]
    public void SnapshotNamesMustBeASinglePathComponent()
    {
        Assert.Throws<ArgumentException>(() => Btrfs.CreateSnapshot("/", "/", "a/b", readOnly: true));
        Assert.Throws<ArgumentException>(() => Btrfs.DeleteSubvolume("/", ".."));
    }
}
