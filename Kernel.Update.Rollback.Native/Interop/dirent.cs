using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <dirent.h>: getdents64(2) (glibc 2.30+) and struct linux_dirent64's layout:
// d_ino u64 @0, d_off s64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19.
internal static unsafe partial class Libc
{
    internal const int DirentRecLenOffset = 16;
    internal const int DirentTypeOffset = 18;
    internal const int DirentNameOffset = 19;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial nint getdents64(int fd, byte* buffer, nuint count);
}
