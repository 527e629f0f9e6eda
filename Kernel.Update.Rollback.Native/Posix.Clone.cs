using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

// Reflinks (FICLONE/FICLONERANGE): share extents copy-on-write on btrfs and XFS; ext4 answers EOPNOTSUPP.
public static unsafe partial class Posix
{
    /// <summary>Makes <paramref name="dst"/> share all of <paramref name="src"/>'s extents (ioctl FICLONE). EOPNOTSUPP/EXDEV when impossible.</summary>
    public static void FiClone(SafeFileHandle dst, SafeFileHandle src)
    {
        int errno = FiCloneCore(dst, src);
        if (errno != 0)
            ThrowHelper.ThrowNative("ioctl", null, errno, "FICLONE");
    }

    /// <summary>
    /// Like <see cref="FiClone"/> but returns false when the file system cannot reflink (EOPNOTSUPP), the files
    /// are on different file systems (EXDEV), or these two files cannot share extents (EINVAL: e.g. one of them is
    /// nodatacow on btrfs, or block sizes differ), so the caller can fall back to copying.
    /// </summary>
    public static bool TryFiClone(SafeFileHandle dst, SafeFileHandle src)
    {
        int errno = FiCloneCore(dst, src);
        if (errno is 0)
            return true;
        if (errno is (int)Errno.EOPNOTSUPP or (int)Errno.EXDEV or (int)Errno.EINVAL)
            return false;
        ThrowHelper.ThrowNative("ioctl", null, errno, "FICLONE");
        return false;
    }

    /// <summary>
    /// Shares <paramref name="length"/> bytes of <paramref name="src"/> at <paramref name="srcOffset"/> into
    /// <paramref name="dst"/> at <paramref name="dstOffset"/> (ioctl FICLONERANGE). Offsets and length must be
    /// block aligned (length 0 means "to the end of src"; a length reaching src's end may be unaligned).
    /// </summary>
    public static void FiCloneRange(SafeFileHandle dst, long dstOffset, SafeFileHandle src, long srcOffset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dstOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(srcOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using var d = new FdLease(dst);
        using var s = new FdLease(src);
        Libc.file_clone_range range = new()
        {
            src_fd = s.Fd,
            src_offset = (ulong)srcOffset,
            src_length = (ulong)length,
            dest_offset = (ulong)dstOffset,
        };
        if (Libc.ioctl(d.Fd, Libc.FICLONERANGE, &range) != 0)
            ThrowHelper.ThrowLast("ioctl", null, "FICLONERANGE");
    }

    private static int FiCloneCore(SafeFileHandle dst, SafeFileHandle src)
    {
        using var d = new FdLease(dst);
        using var s = new FdLease(src);
        // FICLONE takes the source descriptor by value, not a pointer to it.
        return Libc.ioctl(d.Fd, Libc.FICLONE, (void*)(nint)s.Fd) == 0 ? 0 : LastErrno;
    }
}
