namespace Kernel.Update.Rollback.Native;

// <fcntl.h> values that differ on arm64 (arch/arm64/include/uapi/asm/fcntl.h).
internal static partial class Libc
{
    internal static partial class Arm64
    {
        internal const int O_DIRECTORY = 0x4000;
        internal const int O_NOFOLLOW = 0x8000;
        internal const int O_DIRECT = 0x10000;
    }
}
