using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

// flock locks belong to the open file description: two opens of the same file conflict, dup'ed fds share.
public static partial class Posix
{
    /// <summary>flock(LOCK_EX|LOCK_NB): true when taken, false when another open file description holds a lock.</summary>
    public static bool TryLockExclusive(SafeFileHandle fd) => FlockCore(fd, Libc.LOCK_EX | Libc.LOCK_NB);

    /// <summary>flock(LOCK_SH|LOCK_NB).</summary>
    public static bool TryLockShared(SafeFileHandle fd) => FlockCore(fd, Libc.LOCK_SH | Libc.LOCK_NB);

    /// <summary>flock(LOCK_EX), waiting for the lock.</summary>
    public static void LockExclusive(SafeFileHandle fd) => FlockCore(fd, Libc.LOCK_EX);

    /// <summary>flock(LOCK_UN).</summary>
    public static void Unlock(SafeFileHandle fd) => FlockCore(fd, Libc.LOCK_UN);

    private static bool FlockCore(SafeFileHandle fd, int operation)
    {
        using var lease = new FdLease(fd);
        while (Libc.flock(lease.Fd, operation) != 0)
        {
            int errno = LastErrno;
            if (errno == (int)Errno.EINTR)
                continue; // a signal while waiting for the lock
            if (errno == (int)Errno.EWOULDBLOCK && (operation & Libc.LOCK_NB) != 0)
                return false;
            ThrowHelper.ThrowNative("flock", null, errno);
        }
        return true;
    }
}
