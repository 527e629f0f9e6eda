using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

/// <summary>Block device queries and commands through ioctl. The descriptor must be a block device.</summary>
public static unsafe class BlockDevice
{
    /// <summary>Size in bytes (BLKGETSIZE64). RandomAccess.GetLength returns 0 for block devices.</summary>
    public static long GetSize(SafeFileHandle fd)
    {
        ulong size;
        Ioctl(fd, Libc.BLKGETSIZE64, &size, "BLKGETSIZE64");
        return checked((long)size);
    }

    /// <summary>Logical sector size (BLKSSZGET): the alignment O_DIRECT needs for offsets, lengths and buffers.</summary>
    public static int GetLogicalSectorSize(SafeFileHandle fd)
    {
        int size;
        Ioctl(fd, Libc.BLKSSZGET, &size, "BLKSSZGET");
        return size;
    }

    /// <summary>Physical sector size (BLKPBSZGET): writes smaller than this are read-modify-write in the device.</summary>
    public static int GetPhysicalSectorSize(SafeFileHandle fd)
    {
        uint size;
        Ioctl(fd, Libc.BLKPBSZGET, &size, "BLKPBSZGET");
        return checked((int)size);
    }

    /// <summary>Writes back and drops the device's buffer cache (BLKFLSBUF; needs CAP_SYS_ADMIN).</summary>
    public static void FlushBuffers(SafeFileHandle fd) => Ioctl(fd, Libc.BLKFLSBUF, null, "BLKFLSBUF");

    /// <summary>
    /// Tells the device that a byte range is unused (BLKDISCARD). The descriptor must be open for writing and
    /// <paramref name="start"/>/<paramref name="length"/> aligned to the logical sector size. Data there becomes undefined.
    /// </summary>
    public static void Discard(SafeFileHandle fd, long start, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ulong* range = stackalloc ulong[2];
        range[0] = (ulong)start;
        range[1] = (ulong)length;
        Ioctl(fd, Libc.BLKDISCARD, range, "BLKDISCARD");
    }

    private static void Ioctl(SafeFileHandle fd, nuint request, void* arg, string requestName)
    {
        using var lease = new FdLease(fd);
        if (Libc.ioctl(lease.Fd, request, arg) != 0)
            ThrowHelper.ThrowNative("ioctl", null, Marshal.GetLastPInvokeError(), requestName);
    }
}
