using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    // A rename or mount anywhere on the system makes openat2 with BENEATH/IN_ROOT fail with EAGAIN;
    // retrying is the documented answer, but a bound keeps a hostile renamer from spinning us forever.
    private const int OpenAt2MaxAttempts = 64;

    /// <summary>open(2) with O_CLOEXEC always added; the descriptor is owned by the returned handle.</summary>
    public static SafeFileHandle Open(string path, OpenFlags flags, uint mode = 0) =>
        OpenCore(Libc.AT_FDCWD, path, flags, mode);

    /// <summary>Opens a directory for fsync, *at calls and walking (O_RDONLY|O_DIRECTORY|O_CLOEXEC).</summary>
    public static SafeFileHandle OpenDirectory(string path) =>
        OpenCore(Libc.AT_FDCWD, path, OpenFlags.ReadOnly | OpenFlags.Directory, 0);

    /// <summary>openat relative to a directory handle. Absolute paths and ".." are NOT contained: see <see cref="OpenBeneath"/>.</summary>
    public static SafeFileHandle OpenAt(SafeFileHandle dir, string name, OpenFlags flags, uint mode = 0)
    {
        using var lease = new FdLease(dir);
        return OpenCore(lease.Fd, name, flags, mode);
    }

    /// <summary>
    /// openat2 that cannot leave <paramref name="dirFd"/>: RESOLVE_BENEATH is added unless
    /// <see cref="ResolveFlags.InRoot"/> is asked for. ".." or an absolute symlink escaping the directory
    /// fails with EXDEV; with <see cref="ResolveFlags.NoSymlinks"/> any symlink fails with ELOOP.
    /// Without openat2 (Linux before 5.6, qemu-user before 9.0: ENOSYS) the same containment is had by
    /// <see cref="OpenBeneathByWalk"/> where it can be.
    /// </summary>
    public static SafeFileHandle OpenBeneath(SafeFileHandle dirFd, string relativePath, OpenFlags flags, uint mode, ResolveFlags resolve)
    {
        if ((resolve & ResolveFlags.InRoot) == 0)
            resolve |= ResolveFlags.Beneath;

        int oflags = ToOFlags(flags);
        Libc.open_how how = default;
        how.flags = (ulong)(uint)oflags;
        // openat2, unlike openat, rejects a mode without O_CREAT.
        how.mode = (oflags & Libc.O_CREAT) != 0 ? mode & Libc.ALLPERMS : 0;
        how.resolve = (ulong)resolve;

        if (s_noOpenAt2)
            return OpenBeneathByWalk(dirFd, relativePath, flags, mode, resolve);
        using (var lease = new FdLease(dirFd))
        using (var p = new Utf8String(stackalloc byte[Utf8String.StackSize]))
        fixed (byte* s = p.Encode(relativePath))
        {
            for (int attempt = 1; ; attempt++)
            {
                long fd = Libc.syscall_openat2(Libc.SYS_openat2, lease.Fd, s, &how, (nuint)sizeof(Libc.open_how));
                if (fd >= 0)
                    return new SafeFileHandle((nint)fd, ownsHandle: true);

                int errno = LastErrno;
                if (errno == (int)Errno.EINTR)
                    continue;
                if (RefusedNoAccessTime(errno, (int)how.flags))
                {
                    how.flags &= ~(ulong)Libc.O_NOATIME;
                    continue;
                }
                if (errno == (int)Errno.ENOSYS)
                {
                    s_noOpenAt2 = true;
                    break;
                }
                // With RESOLVE_CACHED, EAGAIN means "not in the dcache": the caller decides, retrying would spin.
                if (errno == (int)Errno.EAGAIN && (resolve & ResolveFlags.Cached) == 0 && attempt < OpenAt2MaxAttempts)
                    continue;
                ThrowHelper.ThrowNative("openat2", relativePath, errno);
            }
        }
        return OpenBeneathByWalk(dirFd, relativePath, flags, mode, resolve);
    }

    /// <summary>mkdirat; the umask applies to <paramref name="mode"/>.</summary>
    public static void MkdirAt(SafeFileHandle dir, string name, uint mode)
    {
        using var lease = new FdLease(dir);
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(name))
        {
            if (Libc.mkdirat(lease.Fd, s, mode & Libc.ALLPERMS) != 0)
                ThrowHelper.ThrowLast("mkdirat", name);
        }
    }

    /// <summary>unlinkat; <paramref name="removeDir"/> adds AT_REMOVEDIR (empty directories only).</summary>
    public static void UnlinkAt(SafeFileHandle dir, string name, bool removeDir)
    {
        using var lease = new FdLease(dir);
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(name))
        {
            if (Libc.unlinkat(lease.Fd, s, removeDir ? Libc.AT_REMOVEDIR : 0) != 0)
                ThrowHelper.ThrowLast("unlinkat", name);
        }
    }

    private static SafeFileHandle OpenCore(int dirfd, string path, OpenFlags flags, uint mode)
    {
        int oflags = ToOFlags(flags);
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            while (true)
            {
                int fd = Libc.openat(dirfd, s, oflags, mode & Libc.ALLPERMS);
                if (fd >= 0)
                    return new SafeFileHandle(fd, ownsHandle: true);
                int errno = LastErrno;
                if (RefusedNoAccessTime(errno, oflags))
                {
                    oflags &= ~Libc.O_NOATIME;
                    continue;
                }
                if (errno != (int)Errno.EINTR) // open on a FIFO or a network file system can be interrupted
                    ThrowHelper.ThrowNative("openat", path, errno);
            }
        }
    }

    /// <summary>EPERM for an open that asked for O_NOATIME: the caller neither owns the file nor has CAP_FOWNER, so it
    /// opens again without, and reads with the access time updated (<see cref="OpenFlags.NoAccessTime"/>).</summary>
    private static bool RefusedNoAccessTime(int errno, int oflags) => errno == (int)Errno.EPERM && (oflags & Libc.O_NOATIME) != 0;

    /// <summary>Translates the abstract flags to this architecture's O_* values, O_CLOEXEC included.</summary>
    internal static int ToOFlags(OpenFlags flags)
    {
        const OpenFlags Access = OpenFlags.ReadOnly | OpenFlags.WriteOnly | OpenFlags.ReadWrite;
        const OpenFlags Known = Access | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.Truncate | OpenFlags.NoFollow
            | OpenFlags.Directory | OpenFlags.Direct | OpenFlags.Sync | OpenFlags.Path | OpenFlags.Append | OpenFlags.NoAccessTime;

        if ((flags & ~Known) != 0)
            throw new ArgumentOutOfRangeException(nameof(flags), flags, "Unknown OpenFlags bits.");
        Libc.EnsureSupportedArchitecture();

        int o = (flags & Access) switch
        {
            OpenFlags.None or OpenFlags.ReadOnly => Libc.O_RDONLY,
            OpenFlags.WriteOnly => Libc.O_WRONLY,
            OpenFlags.ReadWrite => Libc.O_RDWR,
            _ => throw new ArgumentException("Choose one of ReadOnly, WriteOnly and ReadWrite.", nameof(flags)),
        };
        o |= Libc.O_CLOEXEC;
        if ((flags & OpenFlags.Create) != 0) o |= Libc.O_CREAT;
        if ((flags & OpenFlags.Exclusive) != 0) o |= Libc.O_EXCL;
        if ((flags & OpenFlags.Truncate) != 0) o |= Libc.O_TRUNC;
        if ((flags & OpenFlags.NoFollow) != 0) o |= Libc.O_NOFOLLOW;
        if ((flags & OpenFlags.Directory) != 0) o |= Libc.O_DIRECTORY;
        if ((flags & OpenFlags.Direct) != 0) o |= Libc.O_DIRECT;
        if ((flags & OpenFlags.Sync) != 0) o |= Libc.O_SYNC;
        if ((flags & OpenFlags.Path) != 0) o |= Libc.O_PATH;
        if ((flags & OpenFlags.Append) != 0) o |= Libc.O_APPEND;
        if ((flags & OpenFlags.NoAccessTime) != 0) o |= Libc.O_NOATIME;
        return o;
    }
}
