using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class LinkAndNodeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SymlinkThenReadLinkReturnsTheTargetVerbatim()
    {
        Posix.Symlink("../relative/target with spaces", _dir["link"]);
        Assert.Equal("../relative/target with spaces", Posix.ReadLink(_dir["link"]));
    }

    [Fact]
    public void ReadLinkOfALongTargetGrowsItsBuffer()
    {
        string target = string.Join('/', Enumerable.Repeat(new string('x', 200), 10));
        Posix.Symlink(target, _dir["link"]);
        Assert.Equal(target, Posix.ReadLink(_dir["link"]));
    }

    [Fact]
    public void ReadLinkOfARegularFileThrowsEINVAL()
    {
        string file = _dir.WriteFile("f", "");
        Assert.Equal(Errno.EINVAL, Assert.Throws<NativeException>(() => Posix.ReadLink(file)).Error);
    }

    [Fact]
    public void SymlinkOverAnExistingNameThrowsEEXISTNamingTheLink()
    {
        string file = _dir.WriteFile("f", "");
        var ex = Assert.Throws<NativeException>(() => Posix.Symlink("x", file));
        Assert.Equal(Errno.EEXIST, ex.Error);
        Assert.Equal(file, ex.Path);
        Assert.Equal("symlinkat", ex.Call);
    }

    [Fact]
    public void HardLinkSharesTheInodeAndRaisesTheLinkCount()
    {
        string file = _dir.WriteFile("f", "data");
        Posix.Link(file, _dir["hard"]);
        FileStatus a = Posix.LStat(file);
        FileStatus b = Posix.LStat(_dir["hard"]);
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(2u, b.NLink);
    }

    [Fact]
    public void HardLinkToASymlinkLinksTheSymlinkItself()
    {
        Posix.Symlink("/etc/hostname", _dir["sym"]);
        Posix.Link(_dir["sym"], _dir["hard"]);
        Assert.Equal(FileKind.Symlink, Posix.LStat(_dir["hard"]).Kind);
    }

    [Fact]
    public void MkNodCreatesAnEmptyRegularFileAndAFifoWithTheGivenMode()
    {
        Posix.MkNod(_dir["reg"], FileKind.Regular, 0x180, 0);
        Posix.MkNod(_dir["fifo"], FileKind.Fifo, 0x180, 0);
        Assert.Equal(FileKind.Regular, Posix.LStat(_dir["reg"]).Kind);
        Assert.Equal(0x180u, Posix.LStat(_dir["fifo"]).Mode);
    }

    [Fact]
    public void MkNodRefusesDirectoriesAndSymlinks()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Posix.MkNod(_dir["d"], FileKind.Directory, 0x1ED, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Posix.MkNod(_dir["l"], FileKind.Symlink, 0x1ED, 0));
    }

    [RootFact]
    public void MkNodCreatesACharDeviceThatWorksLikeDevNull()
    {
        Posix.MkNod(_dir["null"], FileKind.CharDevice, 0x1B6, Posix.MakeDev(1, 3));
        File.WriteAllText(_dir["null"], "swallowed");
        Assert.Equal("", File.ReadAllText(_dir["null"]));
        Assert.Equal(Posix.LStat("/dev/null").RDev, Posix.LStat(_dir["null"]).RDev);
    }
}
