using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class SparseFileTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SeekDataAndSeekHoleFindTheWrittenExtentInATruncatedFile()
    {
        using var fd = Posix.Open(_dir["sparse"], OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Exclusive, 0x1A4);
        Posix.FTruncate(fd, 8 * MiB);
        RandomAccess.Write(fd, Enumerable.Repeat((byte)0x5A, 4096).ToArray(), 4 * MiB); // pwrite into the middle

        Assert.Equal(4 * MiB, Posix.SeekData(fd, 0));
        Assert.Equal(4 * MiB + 4096, Posix.SeekHole(fd, 4 * MiB));
        Assert.Equal(-1, Posix.SeekData(fd, 4 * MiB + 4096)); // only a hole follows
        Assert.Equal(0, Posix.SeekHole(fd, 0)); // already in a hole: the offset itself
        Assert.True(Posix.FStat(fd).Blocks * 512 < MiB);
    }

    [Fact]
    public void SeekHoleInAFileWithoutHolesReturnsTheEndOfFile()
    {
        string file = _dir["dense"];
        File.WriteAllBytes(file, new byte[8192]);
        using var fd = Posix.Open(file, OpenFlags.ReadOnly);
        Assert.Equal(0, Posix.SeekData(fd, 0));
        Assert.Equal(8192, Posix.SeekHole(fd, 0));
    }

    [Fact]
    public void SeekHolePastTheEndThrowsENXIO()
    {
        using var fd = Posix.Open(_dir["f"], OpenFlags.ReadWrite | OpenFlags.Create, 0x1A4);
        Posix.FTruncate(fd, 4096);
        Assert.Equal(Errno.ENXIO, Assert.Throws<NativeException>(() => Posix.SeekHole(fd, 8192)).Error);
    }
}
