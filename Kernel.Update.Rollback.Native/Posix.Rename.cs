using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, failing with EEXIST if <paramref name="to"/> exists.</summary>
    public static void RenameNoReplace(string from, string to) => RenameCore(Libc.AT_FDCWD, from, Libc.AT_FDCWD, to, RenameFlags.NoReplace);

    /// <summary>Atomically swaps two existing paths (files or directories).</summary>
    public static void RenameExchange(string a, string b) => RenameCore(Libc.AT_FDCWD, a, Libc.AT_FDCWD, b, RenameFlags.Exchange);

    /// <summary>renameat2 between two directory handles.</summary>
    public static void RenameAt2(SafeFileHandle dirA, string nameA, SafeFileHandle dirB, string nameB, RenameFlags flags)
    {
        using var a = new FdLease(dirA);
        using var b = new FdLease(dirB);
        RenameCore(a.Fd, nameA, b.Fd, nameB, flags);
    }

    private static void RenameCore(int dirA, string from, int dirB, string to, RenameFlags flags)
    {
        using var a = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var b = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* f = a.Encode(from))
        fixed (byte* t = b.Encode(to))
        {
            if (Libc.renameat2(dirA, f, dirB, t, (uint)flags) != 0)
                ThrowHelper.ThrowLast("renameat2", from, RenameDetail(to, flags));
        }
    }

    private static string RenameDetail(string to, RenameFlags flags) => flags switch
    {
        RenameFlags.None => $"to '{to}'",
        RenameFlags.NoReplace => $"to '{to}', RENAME_NOREPLACE",
        RenameFlags.Exchange => $"with '{to}', RENAME_EXCHANGE",
        _ => $"to '{to}', flags 0x{(uint)flags:x}",
    };
}
