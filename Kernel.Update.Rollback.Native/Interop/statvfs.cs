using System.Runtime.InteropServices;

#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <sys/statvfs.h>; the 64-bit layout (no __f_unused padding), 112 bytes on x86_64 and arm64.
internal static unsafe partial class Libc
{
    internal const ulong ST_RDONLY = 1;
    internal const ulong ST_NOSUID = 2;
    internal const ulong ST_NODEV = 4;
    internal const ulong ST_NOEXEC = 8;
    internal const ulong ST_SYNCHRONOUS = 16;
    internal const ulong ST_MANDLOCK = 64;
    internal const ulong ST_NOATIME = 1024;
    internal const ulong ST_NODIRATIME = 2048;
    internal const ulong ST_RELATIME = 4096;

    internal unsafe struct statvfs_t
    {
        public ulong f_bsize;
        public ulong f_frsize;
        public ulong f_blocks;
        public ulong f_bfree;
        public ulong f_bavail;
        public ulong f_files;
        public ulong f_ffree;
        public ulong f_favail;
        public ulong f_fsid;
        public ulong f_flag;
        public ulong f_namemax;
        public fixed int __f_spare[6];
    }

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int statvfs(byte* path, statvfs_t* buf);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fstatvfs(int fd, statvfs_t* buf);
}
