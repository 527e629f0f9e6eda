using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>statx of <paramref name="path"/> without following a final symlink.</summary>
    public static FileStatus LStat(string path)
    {
        int errno = StatxCore(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, out FileStatus status);
        if (errno != 0)
            ThrowHelper.ThrowNative("statx", path, errno);
        return status;
    }

    /// <summary>Like <see cref="LStat"/>, but returns false when the path does not exist (ENOENT, ENOTDIR).</summary>
    public static bool TryLStat(string path, out FileStatus status)
    {
        int errno = StatxCore(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, out status);
        return errno switch
        {
            0 => true,
            (int)Errno.ENOENT or (int)Errno.ENOTDIR => false,
            _ => ThrowStat(path, errno),
        };
    }

    /// <summary>statx of <paramref name="path"/> following symlinks (what stat(2) does).</summary>
    public static FileStatus Stat(string path)
    {
        int errno = StatxCore(Libc.AT_FDCWD, path, 0, out FileStatus status);
        if (errno != 0)
            ThrowHelper.ThrowNative("statx", path, errno);
        return status;
    }

    /// <summary>statx of an open descriptor (AT_EMPTY_PATH); works on O_PATH descriptors too.</summary>
    public static FileStatus FStat(SafeFileHandle fd)
    {
        using var lease = new FdLease(fd);
        Libc.statx_t buf;
        byte empty = 0;
        if (Libc.statx(lease.Fd, &empty, Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, &buf) != 0)
            ThrowHelper.ThrowLast("statx", null);
        return FileStatus.From(buf);
    }

    /// <summary>statx of <paramref name="name"/> relative to <paramref name="dir"/>, not following a final symlink.</summary>
    public static FileStatus LStatAt(SafeFileHandle dir, string name)
    {
        using var lease = new FdLease(dir);
        int errno = StatxCore(lease.Fd, name, Libc.AT_SYMLINK_NOFOLLOW, out FileStatus status);
        if (errno != 0)
            ThrowHelper.ThrowNative("statx", name, errno);
        return status;
    }

    /// <summary>Like <see cref="LStatAt"/>, but returns false on ENOENT/ENOTDIR.</summary>
    public static bool TryLStatAt(SafeFileHandle dir, string name, out FileStatus status)
    {
        using var lease = new FdLease(dir);
        int errno = StatxCore(lease.Fd, name, Libc.AT_SYMLINK_NOFOLLOW, out status);
        return errno switch
        {
            0 => true,
            (int)Errno.ENOENT or (int)Errno.ENOTDIR => false,
            _ => ThrowStat(name, errno),
        };
    }

    private static bool ThrowStat(string path, int errno)
    {
        ThrowHelper.ThrowNative("statx", path, errno);
        return false;
    }

    private static int StatxCore(int dirfd, string path, int flags, out FileStatus status)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        Libc.statx_t buf;
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.statx(dirfd, s, flags | Libc.AT_STATX_SYNC_AS_STAT, Libc.STATX_BASIC_STATS, &buf) != 0)
            {
                status = default;
                return LastErrno;
            }
        }
        status = FileStatus.From(buf);
        return 0;
    }
}
