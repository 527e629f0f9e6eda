using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <sys/file.h>
internal static partial class Libc
{
    internal const int LOCK_SH = 1;
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int flock(int fd, int operation);
}
