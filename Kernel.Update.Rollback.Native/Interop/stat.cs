using System.Runtime.InteropServices;

#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <sys/stat.h> (struct statx from <linux/stat.h>)
internal static unsafe partial class Libc
{
    internal const uint S_IFMT = 0xF000;
    internal const uint S_IFSOCK = 0xC000;
    internal const uint S_IFLNK = 0xA000;
    internal const uint S_IFREG = 0x8000;
    internal const uint S_IFBLK = 0x6000;
    internal const uint S_IFDIR = 0x4000;
    internal const uint S_IFCHR = 0x2000;
    internal const uint S_IFIFO = 0x1000;
    internal const uint ALLPERMS = 0xFFF; // 07777: rwx for all plus setuid, setgid, sticky

    internal const uint STATX_BASIC_STATS = 0x7FF;

    internal const long UTIME_NOW = (1L << 30) - 1;
    internal const long UTIME_OMIT = (1L << 30) - 2;

    internal struct statx_timestamp
    {
        public long tv_sec;
        public uint tv_nsec;
        public int __reserved;
    }

    // Same layout on every architecture: 256 bytes, no padding surprises.
    internal unsafe struct statx_t
    {
        public uint stx_mask;
        public uint stx_blksize;
        public ulong stx_attributes;
        public uint stx_nlink;
        public uint stx_uid;
        public uint stx_gid;
        public ushort stx_mode;
        public ushort __spare0;
        public ulong stx_ino;
        public ulong stx_size;
        public ulong stx_blocks;
        public ulong stx_attributes_mask;
        public statx_timestamp stx_atime;
        public statx_timestamp stx_btime;
        public statx_timestamp stx_ctime;
        public statx_timestamp stx_mtime;
        public uint stx_rdev_major;
        public uint stx_rdev_minor;
        public uint stx_dev_major;
        public uint stx_dev_minor;
        public ulong stx_mnt_id;
        public uint stx_dio_mem_align;
        public uint stx_dio_offset_align;
        public fixed ulong __spare3[12];
    }

    internal struct timespec
    {
        public long tv_sec;  // time_t, 64-bit on both supported architectures
        public long tv_nsec;
    }

    // glibc >= 2.28; preferred over fstatat, which was not an exported symbol before glibc 2.33.
    [LibraryImport(libc, SetLastError = true)]
    internal static partial int statx(int dirfd, byte* pathname, int flags, uint mask, statx_t* statxbuf);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int mkdirat(int dirfd, byte* pathname, uint mode);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fchmodat(int dirfd, byte* pathname, uint mode, int flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fchmod(int fd, uint mode);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int utimensat(int dirfd, byte* pathname, timespec* times, int flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int futimens(int fd, timespec* times);

    // mknodat: glibc only exports it since 2.33, so it goes through syscall(SYS_mknodat) — see unistd.cs.
}
