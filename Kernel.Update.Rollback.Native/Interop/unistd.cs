using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <unistd.h> and <sys/syscall.h>
internal static unsafe partial class Libc
{
    [LibraryImport(libc)]
    internal static partial uint geteuid();

    internal const int SEEK_SET = 0;
    internal const int SEEK_CUR = 1;
    internal const int SEEK_END = 2;
    internal const int SEEK_DATA = 3;
    internal const int SEEK_HOLE = 4;

    // openat2 was added after the syscall tables were unified: same number everywhere.
    internal const long SYS_openat2 = 437;
    // listxattrat (Linux 6.13): also after the unification. Older kernels answer ENOSYS; older headers lack the name.
    internal const long SYS_listxattrat = 465;
    internal static readonly long SYS_mknodat = IsArm64 ? Arm64.SYS_mknodat : X64.SYS_mknodat;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fsync(int fd);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fdatasync(int fd);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int syncfs(int fd);

    internal const uint SYNC_FILE_RANGE_WRITE = 2;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial long lseek(int fd, long offset, int whence);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int ftruncate(int fd, long length);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial nint readlinkat(int dirfd, byte* pathname, byte* buf, nuint bufsiz);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int symlinkat(byte* target, int newdirfd, byte* linkpath);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int linkat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int unlinkat(int dirfd, byte* pathname, int flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fchownat(int dirfd, byte* pathname, uint owner, uint group, int flags);

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int fchown(int fd, uint owner, uint group);

    [LibraryImport(libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint syscall_listxattrat(long number, int dirfd, byte* pathname, uint atFlags, byte* list, nuint size);

    [LibraryImport(libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long syscall_openat2(long number, int dirfd, byte* pathname, open_how* how, nuint size);

    // The kernel takes dev as a 32-bit old-style-compatible encoding (new_encode_dev), exactly glibc's low 32 bits.
    [LibraryImport(libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long syscall_mknodat(long number, int dirfd, byte* pathname, uint mode, uint dev);
}
