using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// <stdio.h> (renameat2 is a GNU extension declared there, glibc >= 2.28)
internal static unsafe partial class Libc
{
    internal const uint RENAME_NOREPLACE = 1 << 0;
    internal const uint RENAME_EXCHANGE = 1 << 1;
    internal const uint RENAME_WHITEOUT = 1 << 2;

    [LibraryImport(libc, SetLastError = true)]
    internal static partial int renameat2(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, uint flags);
}
