using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <fcntl.h>
internal static unsafe partial class Libc
{
    // Same on x86_64 and arm64 (asm-generic/fcntl.h).
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_RDWR = 0x2;
    internal const int O_ACCMODE = 0x3;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_NOCTTY = 0x100;
    internal const int O_TRUNC = 0x200;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_DSYNC = 0x1000;
    internal const int O_NOATIME = 0x40000;
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_SYNC = 0x101000;
    internal const int O_PATH = 0x200000;

    // Differ by architecture (see fcntl.arch-*.cs); chosen once at startup so the assembly stays AnyCPU.
    internal static readonly int O_DIRECT = IsArm64 ? Arm64.O_DIRECT : X64.O_DIRECT;
    internal static readonly int O_DIRECTORY = IsArm64 ? Arm64.O_DIRECTORY : X64.O_DIRECTORY;
    internal static readonly int O_NOFOLLOW = IsArm64 ? Arm64.O_NOFOLLOW : X64.O_NOFOLLOW;

    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const int AT_REMOVEDIR = 0x200;
    internal const int AT_SYMLINK_FOLLOW = 0x400;
    internal const int AT_NO_AUTOMOUNT = 0x800;
    internal const int AT_EMPTY_PATH = 0x1000;
    internal const int AT_STATX_SYNC_AS_STAT = 0x0000;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int openat(int dirfd, byte* pathname, int flags, uint mode);
}
