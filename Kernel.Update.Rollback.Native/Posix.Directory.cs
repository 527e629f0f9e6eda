using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>
    /// Clears <paramref name="names"/> and fills it with the names in directory <paramref name="path"/>
    /// (without "." and ".."), unsorted. One open and a few getdents64 calls: unlike .NET's enumerator it
    /// stats nothing, which halves the system calls of a tree walk that lstat()s every name anyway.
    /// </summary>
    public static void ReadDirectory(string path, List<string> names)
    {
        using var dir = Open(path, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow);
        ReadNames(dir, path, names);
    }

    /// <summary>
    /// Like <see cref="ReadDirectory(string, List{string})"/> for an open directory, read through the caller's own
    /// descriptor from its start (rewound first), so the flags it was opened with hold (O_NOATIME, say) and a walk
    /// pays no second open per directory. The handle stays usable for *at calls, which ignore the offset; two
    /// threads must not list the same handle at once.
    /// </summary>
    public static void ReadDirectory(SafeFileHandle directory, List<string> names)
    {
        using (var lease = new FdLease(directory))
        {
            if (Libc.lseek(lease.Fd, 0, Libc.SEEK_SET) < 0)
                ThrowHelper.ThrowLast("lseek", null, "rewinding a directory to list it");
        }
        ReadNames(directory, null, names);
    }

    private static void ReadNames(SafeFileHandle dir, string? path, List<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Clear();
        using var lease = new FdLease(dir);
        const int BufferSize = 32 * 1024;
        byte* buffer = stackalloc byte[BufferSize];
        while (true)
        {
            nint n = Libc.getdents64(lease.Fd, buffer, BufferSize);
            if (n < 0)
                ThrowHelper.ThrowLast("getdents64", path);
            if (n == 0)
                return;
            for (nint offset = 0; offset < n;)
            {
                byte* record = buffer + offset;
                ushort length = *(ushort*)(record + Libc.DirentRecLenOffset);
                var name = new ReadOnlySpan<byte>(record + Libc.DirentNameOffset, length - Libc.DirentNameOffset);
                name = name[..name.IndexOf((byte)0)];
                if (!(name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)))
                    names.Add(Encoding.UTF8.GetString(name));
                offset += length;
            }
        }
    }
}
