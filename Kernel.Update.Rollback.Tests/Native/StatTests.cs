using Kernel.Update.Rollback.Tests.Infrastructure;
using System.Globalization;
using System.Net.Sockets;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class StatTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LStatOfARegularFileReportsKindSizeModeAndInodeLikeCoreutilsStat()
    {
        string file = _dir.WriteFile("f", "hello");
        Posix.Chmod(file, 0x1A0); // 0640

        FileStatus st = Posix.LStat(file);

        Assert.Equal(FileKind.Regular, st.Kind);
        Assert.Equal(5, st.Size);
        Assert.Equal(0x1A0u, st.Mode); // 0640
        Assert.Equal(1u, st.NLink);
        string[] stat = Sh.Run("stat", "-c", "%i %d %u %g %b %Y", file).Trim().Split(' ');
        Assert.Equal(ulong.Parse(stat[0], CultureInfo.InvariantCulture), st.Inode);
        Assert.Equal(ulong.Parse(stat[1], CultureInfo.InvariantCulture), st.Device);
        Assert.Equal(uint.Parse(stat[2], CultureInfo.InvariantCulture), st.Uid);
        Assert.Equal(uint.Parse(stat[3], CultureInfo.InvariantCulture), st.Gid);
        Assert.Equal(long.Parse(stat[4], CultureInfo.InvariantCulture), st.Blocks);
        Assert.Equal(long.Parse(stat[5], CultureInfo.InvariantCulture), st.MTimeSeconds);
    }

    [Fact]
    public void LStatOfADirectoryReportsDirectory()
    {
        Directory.CreateDirectory(_dir["d"]);
        Assert.Equal(FileKind.Directory, Posix.LStat(_dir["d"]).Kind);
    }

    [Fact]
    public void LStatDoesNotFollowASymlinkButStatDoes()
    {
        string target = _dir.WriteFile("target", "0123456789");
        File.CreateSymbolicLink(_dir["link"], target);

        FileStatus link = Posix.LStat(_dir["link"]);
        FileStatus followed = Posix.Stat(_dir["link"]);

        Assert.Equal(FileKind.Symlink, link.Kind);
        Assert.Equal(target.Length, link.Size); // a symlink's size is its target's length
        Assert.Equal(FileKind.Regular, followed.Kind);
        Assert.Equal(10, followed.Size);
    }

    [Fact]
    public void LStatOfADanglingSymlinkSucceeds()
    {
        File.CreateSymbolicLink(_dir["dangling"], "/nonexistent/nowhere");
        Assert.Equal(FileKind.Symlink, Posix.LStat(_dir["dangling"]).Kind);
    }

    [Fact]
    public void LStatOfAFifoReportsFifo()
    {
        Posix.MkNod(_dir["fifo"], FileKind.Fifo, 0x1A4, 0);
        Assert.Equal(FileKind.Fifo, Posix.LStat(_dir["fifo"]).Kind);
        Assert.Equal("fifo", Sh.Run("stat", "-c", "%F", _dir["fifo"]).Trim());
    }

    [Fact]
    public void LStatOfAUnixSocketReportsSocket()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(_dir["sock"]));
        Assert.Equal(FileKind.Socket, Posix.LStat(_dir["sock"]).Kind);
    }

    [RootFact]
    public void LStatOfDeviceNodesReportsTheirKindAndRDevInGlibcEncoding()
    {
        // Large numbers exercise the split high bits of the makedev encoding.
        Posix.MkNod(_dir["chr"], FileKind.CharDevice, 0x180, Posix.MakeDev(300, 70000));
        Posix.MkNod(_dir["blk"], FileKind.BlockDevice, 0x180, Posix.MakeDev(7, 0));

        FileStatus chr = Posix.LStat(_dir["chr"]);
        FileStatus blk = Posix.LStat(_dir["blk"]);

        Assert.Equal(FileKind.CharDevice, chr.Kind);
        Assert.Equal(FileKind.BlockDevice, blk.Kind);
        Assert.Equal(300u, Posix.Major(chr.RDev));
        Assert.Equal(70000u, Posix.Minor(chr.RDev));
        Assert.Equal(0x700UL, blk.RDev);
        Assert.Equal("12c 11170", Sh.Run("stat", "-c", "%t %T", _dir["chr"]).Trim());
        Assert.Equal(0x180u, chr.Mode);
    }

    [Fact]
    public void MakeDevMatchesGlibcForLargeNumbers()
    {
        ulong dev = Posix.MakeDev(0x12345, 0xABCDEF);
        Assert.Equal(0x1200ABCD345EFUL, dev); // printf("%llx", makedev(0x12345, 0xABCDEF)) with glibc
        Assert.Equal(0x12345u, Posix.Major(dev));
        Assert.Equal(0xABCDEFu, Posix.Minor(dev));
    }

    [Fact]
    public void TryLStatReturnsFalseForAMissingPathAndForAPathThroughAFile()
    {
        string file = _dir.WriteFile("f", "");
        Assert.False(Posix.TryLStat(_dir["missing"], out _));
        Assert.False(Posix.TryLStat(Path.Combine(file, "child"), out _));
        Assert.True(Posix.TryLStat(file, out FileStatus st));
        Assert.Equal(FileKind.Regular, st.Kind);
    }

    [Fact]
    public void LStatOfAMissingPathThrowsENOENTNamingTheCallAndPath()
    {
        var ex = Assert.Throws<NativeException>(() => Posix.LStat(_dir["missing"]));
        Assert.Equal(Errno.ENOENT, ex.Error);
        Assert.Equal(2, ex.Errno);
        Assert.Equal("statx", ex.Call);
        Assert.Equal(_dir["missing"], ex.Path);
        Assert.Equal($"statx failed on '{_dir["missing"]}': ENOENT (No such file or directory)", ex.Message);
    }

    [Fact]
    public void FStatOfAnOpenHandleMatchesLStatOfItsPath()
    {
        string file = _dir.WriteFile("f", "abc");
        using var handle = File.OpenHandle(file);
        FileStatus byHandle = Posix.FStat(handle);
        FileStatus byPath = Posix.LStat(file);
        Assert.Equal(byPath.Inode, byHandle.Inode);
        Assert.Equal(byPath.Device, byHandle.Device);
        Assert.Equal(3, byHandle.Size);
    }

    [Fact]
    public void LStatReportsSetuidSetgidAndStickyBits()
    {
        string file = _dir.WriteFile("f", "");
        Posix.Chmod(file, 0xFED); // 07755
        Assert.Equal(0xFEDu, Posix.LStat(file).Mode);
    }

    [Fact]
    public void PathsWithAnEmbeddedNulAreRejectedInsteadOfTruncated()
    {
        Assert.Throws<ArgumentException>(() => Posix.LStat(_dir.Path + "\0/etc/shadow"));
    }

    [Fact]
    public void LongPathsBeyondTheStackBufferWork()
    {
        string deep = _dir.Path;
        for (int i = 0; i < 12; i++)
            deep = Path.Combine(deep, new string((char)('a' + i), 60));
        Directory.CreateDirectory(deep);
        string file = Path.Combine(deep, "ünïcødé-ファイル");
        File.WriteAllText(file, "x");
        Assert.True(file.Length > 700);
        Assert.Equal(1, Posix.LStat(file).Size);
    }
}
