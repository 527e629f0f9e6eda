using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>The next offset at or after <paramref name="offset"/> holding data (lseek SEEK_DATA), or -1 when only a hole follows (ENXIO).</summary>
    public static long SeekData(SafeFileHandle fd, long offset)
    {
        using var lease = new FdLease(fd);
        long r = Libc.lseek(lease.Fd, offset, Libc.SEEK_DATA);
        if (r >= 0)
            return r;
        int errno = LastErrno;
        if (errno == (int)Errno.ENXIO)
            return -1;
        ThrowHelper.ThrowNative("lseek", null, errno, "SEEK_DATA");
        return -1;
    }

    /// <summary>The next hole at or after <paramref name="offset"/> (lseek SEEK_HOLE); end of file counts as a hole. ENXIO past the end.</summary>
    public static long SeekHole(SafeFileHandle fd, long offset)
    {
        using var lease = new FdLease(fd);
        long r = Libc.lseek(lease.Fd, offset, Libc.SEEK_HOLE);
        if (r < 0)
            ThrowHelper.ThrowLast("lseek", null, "SEEK_HOLE");
        return r;
    }

    /// <summary>
    /// fsync. Never retried: after a failed fsync Linux may already have dropped the dirty pages, so a second,
    /// successful fsync would lie. Treat a failure as fatal for the operation in progress.
    /// </summary>
    public static void Fsync(SafeFileHandle fd)
    {
        using var lease = new FdLease(fd);
        if (Libc.fsync(lease.Fd) != 0)
            ThrowHelper.ThrowLast("fsync", null);
    }

    /// <summary>fdatasync: like <see cref="Fsync"/> but skips metadata that is not needed to read the data back.</summary>
    public static void FDataSync(SafeFileHandle fd)
    {
        using var lease = new FdLease(fd);
        if (Libc.fdatasync(lease.Fd) != 0)
            ThrowHelper.ThrowLast("fdatasync", null);
    }

    /// <summary>Makes the entries of a directory durable (after a create, rename or unlink in it).</summary>
    public static void FsyncDirectory(string path)
    {
        using SafeFileHandle dir = OpenDirectory(path);
        using var lease = new FdLease(dir);
        if (Libc.fsync(lease.Fd) != 0)
            ThrowHelper.ThrowLast("fsync", path);
    }

    /// <summary>syncfs: flushes the whole file system holding <paramref name="fd"/>.</summary>
    public static void SyncFs(SafeFileHandle fd)
    {
        using var lease = new FdLease(fd);
        if (Libc.syncfs(lease.Fd) != 0)
            ThrowHelper.ThrowLast("syncfs", null);
    }

    /// <summary>
    /// sync_file_range SYNC_FILE_RANGE_WRITE over the whole file: starts writeback of its dirty pages and returns without
    /// waiting. A hint, not a sync: nothing is durable until an fsync or syncfs says so (which also reports any write
    /// error), so a failure here is returned, not thrown.
    /// </summary>
    public static Errno StartWriteback(SafeFileHandle fd)
    {
        using var lease = new FdLease(fd);
        return Libc.sync_file_range(lease.Fd, 0, 0, Libc.SYNC_FILE_RANGE_WRITE) == 0 ? Errno.None : (Errno)LastErrno;
    }

    /// <summary>statvfs of the file system holding <paramref name="path"/>.</summary>
    public static StatVfs StatVfs(string path)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        Libc.statvfs_t buf;
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.statvfs(s, &buf) != 0)
                ThrowHelper.ThrowLast("statvfs", path);
        }
        return Native.StatVfs.From(buf);
    }

    /// <summary>fstatvfs of the file system holding <paramref name="fd"/>.</summary>
    public static StatVfs FStatVfs(SafeFileHandle fd)
    {
        using var lease = new FdLease(fd);
        Libc.statvfs_t buf;
        if (Libc.fstatvfs(lease.Fd, &buf) != 0)
            ThrowHelper.ThrowLast("fstatvfs", null);
        return Native.StatVfs.From(buf);
    }

    /// <summary>ftruncate; with a larger length the new range is a hole.</summary>
    public static void FTruncate(SafeFileHandle fd, long length)
    {
        using var lease = new FdLease(fd);
        while (Libc.ftruncate(lease.Fd, length) != 0)
        {
            if (!Interrupted)
                ThrowHelper.ThrowLast("ftruncate", null);
        }
    }
}
