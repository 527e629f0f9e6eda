namespace Kernel.Update.Rollback.Native;

// <sys/syscall.h> numbers on arm64 (include/uapi/asm-generic/unistd.h).
internal static partial class Libc
{
    internal static partial class Arm64
    {
        internal const long SYS_mknodat = 33;
    }
}
