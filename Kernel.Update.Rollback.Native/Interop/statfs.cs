using System.Runtime.InteropServices;

#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <sys/vfs.h> (statfs) and <linux/magic.h>; statvfs has no f_type, which is the only reason for this.
internal static unsafe partial class Libc
{
    internal const long BTRFS_SUPER_MAGIC = 0x9123683E;
    internal const long EXT4_SUPER_MAGIC = 0xEF53;
    internal const long TMPFS_MAGIC = 0x01021994;

    // 120 bytes on x86_64 and arm64 (__fsword_t / __SWORD_TYPE are 64-bit on both).
    internal unsafe struct statfs_t
    {
        public long f_type;
        public long f_bsize;
        public ulong f_blocks;
        public ulong f_bfree;
        public ulong f_bavail;
        public ulong f_files;
        public ulong f_ffree;
        public ulong f_fsid;
        public long f_namelen;
        public long f_frsize;
        public long f_flags;
        public fixed long f_spare[4];
    }

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int statfs(byte* path, statfs_t* buf);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fstatfs(int fd, statfs_t* buf);
}
