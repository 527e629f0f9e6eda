using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <sys/ioctl.h>
internal static unsafe partial class Libc
{
    // glibc declares the request as unsigned long: nuint keeps _IOR values with the top bit set intact.
    [LibraryImport(libc, SetLastError = true)]
    internal static partial int ioctl(int fd, nuint request, void* arg);
}
