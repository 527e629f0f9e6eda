namespace Kernel.Update.Rollback.Native;

// <sys/syscall.h> numbers on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl).
internal static partial class Libc
{
    internal static partial class X64
    {
        internal const long SYS_mknodat = 259;
    }
}
