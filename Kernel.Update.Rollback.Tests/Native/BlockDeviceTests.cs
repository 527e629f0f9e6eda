using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class BlockDeviceTests
{
    private const long Size = 64L * 1024 * 1024;

    [LoopDeviceFact]
    public void IoctlsReportTheSizeAndSectorSizesOfALoopDevice()
    {
        using var loop = new LoopDevice(Size);
        using var fd = Posix.Open(loop.DevicePath, OpenFlags.ReadOnly);

        Assert.Equal(FileKind.BlockDevice, Posix.FStat(fd).Kind);
        Assert.Equal(Size, BlockDevice.GetSize(fd));
        Assert.Equal(0, RandomAccess.GetLength(fd)); // why BLKGETSIZE64 is needed at all
        Assert.Equal(512, BlockDevice.GetLogicalSectorSize(fd));
        Assert.True(BlockDevice.GetPhysicalSectorSize(fd) >= 512);
        BlockDevice.FlushBuffers(fd);
    }

    [LoopDeviceFact]
    public void DirectIoThroughAnAlignedBufferRoundTripsAndDiscardZeroesTheRange()
    {
        using var loop = new LoopDevice(Size);
        using var fd = Posix.Open(loop.DevicePath, OpenFlags.ReadWrite | OpenFlags.Direct | OpenFlags.Sync);
        using var pool = new AlignedBufferPool(64 * 1024, alignment: 4096);
        const long offset = 1024 * 1024;

        AlignedBuffer write = pool.Rent();
        for (int i = 0; i < write.Length; i++)
            write.GetSpan()[i] = (byte)(i * 7);
        RandomAccess.Write(fd, write.GetSpan(), offset);
        pool.Return(write);

        AlignedBuffer read = pool.Rent();
        Assert.Equal(read.Length, RandomAccess.Read(fd, read.GetSpan(), offset));
        Assert.Equal(unchecked((byte)(100 * 7)), read.GetSpan()[100]);

        BlockDevice.Discard(fd, offset, read.Length);
        // A loop device discards by punching a hole in its image: the range then reads back as zeros.
        Assert.Equal(read.Length, RandomAccess.Read(fd, read.GetSpan(), offset));
        Assert.True(read.GetSpan().IndexOfAnyExcept((byte)0) < 0);
        pool.Return(read);

        Assert.Equal(0, pool.CurrentlyRented);
    }

    [LoopDeviceFact]
    public void MisalignedDirectIoIsRefusedWithEINVAL()
    {
        using var loop = new LoopDevice(Size);
        using var fd = Posix.Open(loop.DevicePath, OpenFlags.ReadWrite | OpenFlags.Direct);
        using var buffer = new AlignedBuffer(4096);
        // RandomAccess reports errno as an IOException; the point is the kernel enforcing the alignment.
        Assert.ThrowsAny<IOException>(() => RandomAccess.Read(fd, buffer.GetSpan()[..100], 0));
        Assert.Equal(Errno.EINVAL, Assert.Throws<NativeException>(() => BlockDevice.Discard(fd, 1, 511)).Error);
    }

    [Fact]
    public void BlockDeviceIoctlsOnARegularFileThrowENOTTY()
    {
        using var dir = new TempDir();
        string file = dir.WriteFile("f", "x");
        using var fd = Posix.Open(file, OpenFlags.ReadOnly);
        var ex = Assert.Throws<NativeException>(() => BlockDevice.GetSize(fd));
        Assert.Equal(Errno.ENOTTY, ex.Error);
        Assert.Equal("ioctl", ex.Call);
        Assert.Contains("BLKGETSIZE64", ex.Message, StringComparison.Ordinal);
    }
}
