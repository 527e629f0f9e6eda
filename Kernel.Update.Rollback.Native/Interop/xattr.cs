using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <sys/xattr.h>
internal static unsafe partial class Libc
{
    internal const int XATTR_CREATE = 0x1;
    internal const int XATTR_REPLACE = 0x2;

    // Linux limits (linux/limits.h): a value is at most 64 KiB, a name list at most 64 KiB.
    internal const int XATTR_SIZE_MAX = 65536;
    internal const int XATTR_LIST_MAX = 65536;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial nint llistxattr(byte* path, byte* list, nuint size);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int lremovexattr(byte* path, byte* name);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fsetxattr(int fd, byte* name, byte* value, nuint size, int flags);
}
