using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

/// <summary>The *at family used by a handle-based walk: everything relative to a directory descriptor.</summary>
public sealed class AtTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MkdirAtSymlinkAtAndLStatAtWorkRelativeToTheHandle()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        Posix.MkdirAt(dir, "sub", 0x1ED);
        Posix.SymlinkAt("sub", dir, "link");

        Assert.Equal(FileKind.Directory, Posix.LStatAt(dir, "sub").Kind);
        Assert.Equal(FileKind.Symlink, Posix.LStatAt(dir, "link").Kind);
        Assert.Equal("sub", Posix.ReadLinkAt(dir, "link"));
        Assert.False(Posix.TryLStatAt(dir, "missing", out _));
    }

    [Fact]
    public void TheHandleKeepsPointingAtTheDirectoryAfterItIsRenamed()
    {
        Directory.CreateDirectory(_dir["before"]);
        using var dir = Posix.OpenDirectory(_dir["before"]);
        Posix.RenameNoReplace(_dir["before"], _dir["after"]);

        Posix.MkdirAt(dir, "child", 0x1ED);

        Assert.True(Directory.Exists(_dir["after/child"]));
    }

    [Fact]
    public void UnlinkAtRemovesFilesAndWithRemoveDirEmptyDirectories()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        _dir.WriteFile("f", "");
        Directory.CreateDirectory(_dir["d"]);

        Assert.Equal(Errno.EISDIR, Assert.Throws<NativeException>(() => Posix.UnlinkAt(dir, "d", removeDir: false)).Error);
        Posix.UnlinkAt(dir, "f", removeDir: false);
        Posix.UnlinkAt(dir, "d", removeDir: true);

        Assert.False(File.Exists(_dir["f"]));
        Assert.False(Directory.Exists(_dir["d"]));
    }

    [Fact]
    public void UnlinkAtOfANonEmptyDirectoryThrowsENOTEMPTY()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        Directory.CreateDirectory(_dir["d"]);
        _dir.WriteFile("d/f", "");
        Assert.Equal(Errno.ENOTEMPTY, Assert.Throws<NativeException>(() => Posix.UnlinkAt(dir, "d", removeDir: true)).Error);
    }

    [Fact]
    public void MkNodAtCreatesAFifo()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        Posix.MkNodAt(dir, "fifo", FileKind.Fifo, 0x180, 0);
        Assert.Equal(FileKind.Fifo, Posix.LStatAt(dir, "fifo").Kind);
    }

    [Fact]
    public void UtimensAtOnASymlinkChangesTheLinkOnly()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        _dir.WriteFile("t", "");
        Posix.SetTimes(_dir["t"], 5, 0, 5, 0);
        Posix.SymlinkAt("t", dir, "l");

        Posix.UtimensAt(dir, "l", 9, 9, 9, 9);

        Assert.Equal(9, Posix.LStatAt(dir, "l").MTimeSeconds);
        Assert.Equal(5, Posix.LStatAt(dir, "t").MTimeSeconds);
    }

    [Fact]
    public void FChmodAtSetsTheModeOfAFileAndRefusesASymlink()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        _dir.WriteFile("f", "");
        Posix.SymlinkAt("f", dir, "l");

        Posix.FChmodAt(dir, "f", 0x1C0);

        Assert.Equal(0x1C0u, Posix.LStatAt(dir, "f").Mode);
        Assert.Equal(Errno.EOPNOTSUPP, Assert.Throws<NativeException>(() => Posix.FChmodAt(dir, "l", 0x1FF)).Error);
        Assert.Equal(0x1C0u, Posix.LStatAt(dir, "f").Mode);
    }

    [RootFact]
    public void FChownAtChangesTheSymlinkItself()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        _dir.WriteFile("f", "");
        Posix.SymlinkAt("f", dir, "l");
        Posix.FChownAt(dir, "l", 77, 88);
        Assert.Equal(77u, Posix.LStatAt(dir, "l").Uid);
        Assert.Equal(0u, Posix.LStatAt(dir, "f").Uid);
    }

    [Fact]
    public void RenameAt2ExchangesAcrossTwoDirectoryHandles()
    {
        Directory.CreateDirectory(_dir["a"]);
        Directory.CreateDirectory(_dir["b"]);
        _dir.WriteFile("a/x", "from a");
        _dir.WriteFile("b/y", "from b");
        using var a = Posix.OpenDirectory(_dir["a"]);
        using var b = Posix.OpenDirectory(_dir["b"]);

        Posix.RenameAt2(a, "x", b, "y", RenameFlags.Exchange);

        Assert.Equal("from b", File.ReadAllText(_dir["a/x"]));
        Assert.Equal("from a", File.ReadAllText(_dir["b/y"]));
        Assert.Equal(Errno.EEXIST, Assert.Throws<NativeException>(() => Posix.RenameAt2(a, "x", b, "y", RenameFlags.NoReplace)).Error);
    }

    [Fact]
    public void LinkAtCreatesAHardLinkAcrossHandles()
    {
        Directory.CreateDirectory(_dir["a"]);
        Directory.CreateDirectory(_dir["b"]);
        _dir.WriteFile("a/x", "data");
        using var a = Posix.OpenDirectory(_dir["a"]);
        using var b = Posix.OpenDirectory(_dir["b"]);
        Posix.LinkAt(a, "x", b, "x2");
        Assert.Equal(Posix.LStatAt(a, "x").Inode, Posix.LStatAt(b, "x2").Inode);
    }

    [Fact]
    public void OpenAtOpensRelativeToTheHandle()
    {
        _dir.WriteFile("f", "abc");
        using var dir = Posix.OpenDirectory(_dir.Path);
        using var fd = Posix.OpenAt(dir, "f", OpenFlags.ReadOnly);
        Assert.Equal(3, Posix.FStat(fd).Size);
    }
}
