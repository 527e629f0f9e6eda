#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <linux/fs.h>. Values follow the generic _IOC encoding shared by x86_64 and arm64
// (powerpc, mips and sparc encode differently and are not supported).
internal static partial class Libc
{
    internal const nuint BLKGETSIZE64 = 0x80081272; // _IOR(0x12, 114, size_t)
    internal const nuint BLKSSZGET = 0x1268;        // _IO(0x12, 104)
    internal const nuint BLKPBSZGET = 0x127B;       // _IO(0x12, 123)
    internal const nuint BLKFLSBUF = 0x1261;        // _IO(0x12, 97)
    internal const nuint BLKDISCARD = 0x1277;       // _IO(0x12, 119)
    internal const nuint BLKIOMIN = 0x1278;         // _IO(0x12, 120)
    internal const nuint BLKIOOPT = 0x1279;         // _IO(0x12, 121)
    internal const nuint FICLONE = 0x40049409;      // _IOW(0x94, 9, int)
    internal const nuint FICLONERANGE = 0x4020940D; // _IOW(0x94, 13, struct file_clone_range)

    internal struct file_clone_range
    {
        public long src_fd;
        public ulong src_offset;
        public ulong src_length;
        public ulong dest_offset;
    }
}
