namespace Kernel.Update.Rollback.Native;

// <fcntl.h> values that differ on x86_64 (arch/x86/include/uapi/asm/fcntl.h falls back to asm-generic).
internal static partial class Libc
{
    internal static partial class X64
    {
        internal const int O_DIRECT = 0x4000;
        internal const int O_DIRECTORY = 0x10000;
        internal const int O_NOFOLLOW = 0x20000;
    }
}
