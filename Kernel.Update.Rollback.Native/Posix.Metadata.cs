using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>Pass as a nanosecond value to <see cref="SetTimes"/> to leave that time unchanged.</summary>
    public const uint UtimeOmit = (uint)Libc.UTIME_OMIT;

    /// <summary>Pass as a nanosecond value to <see cref="SetTimes"/> to set that time to now.</summary>
    public const uint UtimeNow = (uint)Libc.UTIME_NOW;

    /// <summary>Changes owner and group of <paramref name="path"/> itself, even if it is a symlink (fchownat AT_SYMLINK_NOFOLLOW).</summary>
    public static void LChown(string path, uint uid, uint gid) => ChownCore(Libc.AT_FDCWD, path, uid, gid);

    /// <summary><see cref="LChown"/> relative to a directory handle.</summary>
    public static void FChownAt(SafeFileHandle dir, string name, uint uid, uint gid)
    {
        using var lease = new FdLease(dir);
        ChownCore(lease.Fd, name, uid, gid);
    }

    /// <summary>fchown on an open descriptor.</summary>
    public static void FChown(SafeFileHandle fd, uint uid, uint gid)
    {
        using var lease = new FdLease(fd);
        if (Libc.fchown(lease.Fd, uid, gid) != 0)
            ThrowHelper.ThrowLast("fchown", null);
    }

    /// <summary>
    /// Sets the permission bits including setuid/setgid/sticky (fchmodat, follows symlinks: Linux has no
    /// symlink modes, so never call this on one). Note chown clears setuid/setgid: chown first, then chmod.
    /// </summary>
    public static void Chmod(string path, uint mode)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.fchmodat(Libc.AT_FDCWD, s, mode & Libc.ALLPERMS, 0) != 0)
                ThrowHelper.ThrowLast("fchmodat", path);
        }
    }

    /// <summary>
    /// fchmodat(dir, name, mode, AT_SYMLINK_NOFOLLOW): refuses symlinks with EOPNOTSUPP instead of following them.
    /// glibc emulates the flag through /proc/self/fd on kernels without fchmodat2, so /proc must be mounted.
    /// </summary>
    public static void FChmodAt(SafeFileHandle dir, string name, uint mode)
    {
        using var lease = new FdLease(dir);
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(name))
        {
            if (Libc.fchmodat(lease.Fd, s, mode & Libc.ALLPERMS, Libc.AT_SYMLINK_NOFOLLOW) != 0)
                ThrowHelper.ThrowLast("fchmodat", name);
        }
    }

    /// <summary>fchmod on an open descriptor: the race-free way to set modes during a restore.</summary>
    public static void FChmod(SafeFileHandle fd, uint mode)
    {
        using var lease = new FdLease(fd);
        if (Libc.fchmod(lease.Fd, mode & Libc.ALLPERMS) != 0)
            ThrowHelper.ThrowLast("fchmod", null);
    }

    /// <summary>Sets access and modification times of <paramref name="path"/> itself, even a symlink (utimensat AT_SYMLINK_NOFOLLOW).</summary>
    public static void SetTimes(string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec) =>
        UtimensCore(Libc.AT_FDCWD, path, atimeSec, atimeNsec, mtimeSec, mtimeNsec);

    /// <summary><see cref="SetTimes"/> relative to a directory handle.</summary>
    public static void UtimensAt(SafeFileHandle dir, string name, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec)
    {
        using var lease = new FdLease(dir);
        UtimensCore(lease.Fd, name, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
    }

    /// <summary>futimens on an open descriptor.</summary>
    public static void FUtimens(SafeFileHandle fd, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec)
    {
        using var lease = new FdLease(fd);
        Libc.timespec* times = stackalloc Libc.timespec[2];
        times[0] = new Libc.timespec { tv_sec = atimeSec, tv_nsec = atimeNsec };
        times[1] = new Libc.timespec { tv_sec = mtimeSec, tv_nsec = mtimeNsec };
        if (Libc.futimens(lease.Fd, times) != 0)
            ThrowHelper.ThrowLast("futimens", null);
    }

    private static void ChownCore(int dirfd, string path, uint uid, uint gid)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.fchownat(dirfd, s, uid, gid, Libc.AT_SYMLINK_NOFOLLOW) != 0)
                ThrowHelper.ThrowLast("fchownat", path);
        }
    }

    private static void UtimensCore(int dirfd, string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec)
    {
        Libc.timespec* times = stackalloc Libc.timespec[2];
        times[0] = new Libc.timespec { tv_sec = atimeSec, tv_nsec = atimeNsec };
        times[1] = new Libc.timespec { tv_sec = mtimeSec, tv_nsec = mtimeNsec };
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.utimensat(dirfd, s, times, Libc.AT_SYMLINK_NOFOLLOW) != 0)
                ThrowHelper.ThrowLast("utimensat", path);
        }
    }
}
