using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// Thin, allocation-light wrappers over libc. Every failure throws <see cref="NativeException"/> naming the
/// C call, the path and errno. Paths are passed as UTF-8; symlinks are never followed unless a method says so.
/// </summary>
public static partial class Posix
{
    /// <summary>glibc's makedev: 12+20 bit major, 8+24 bit minor, split so that small numbers keep the old 16-bit layout.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0x00000FFFu) << 8)
        | ((ulong)(major & 0xFFFFF000u) << 32)
        | (minor & 0x000000FFu)
        | ((ulong)(minor & 0xFFFFFF00u) << 12);

    /// <summary>glibc's major(dev).</summary>
    public static uint Major(ulong dev) =>
        (uint)(((dev >> 8) & 0x00000FFFu) | ((dev >> 32) & 0xFFFFF000u));

    /// <summary>glibc's minor(dev).</summary>
    public static uint Minor(ulong dev) =>
        (uint)((dev & 0x000000FFu) | ((dev >> 12) & 0xFFFFFF00u));

    private static int LastErrno => Marshal.GetLastPInvokeError();

    private static bool Interrupted => Marshal.GetLastPInvokeError() == (int)Errno.EINTR;
}
