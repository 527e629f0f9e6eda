using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>
    /// Clears <paramref name="names"/> and fills it with the extended attribute names of <paramref name="path"/>
    /// (llistxattr, no-follow). A file system without xattr support yields an empty list.
    /// </summary>
    public static void ListXattrs(string path, List<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Clear();
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            int errno = ListCore(-1, s, names);
            if (errno != 0)
                ThrowHelper.ThrowNative("llistxattr", path, errno);
        }
    }

    /// <summary>
    /// Like <see cref="ListXattrs"/> for <paramref name="name"/> in an open directory, through listxattrat (Linux 6.13),
    /// which resolves one name instead of a whole path. Returns false, having listed nothing, on a kernel without it
    /// (remembered: the caller uses the path form from then on).
    /// </summary>
    public static bool TryListXattrsAt(SafeFileHandle directory, string name, List<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Clear();
        if (Volatile.Read(ref _noListXattrAt))
            return false;
        using var lease = new FdLease(directory);
        using var n = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = n.Encode(name))
        {
            int errno = ListCore(lease.Fd, s, names);
            // ENOSYS before Linux 6.13; EPERM where a seccomp filter refuses syscalls it does not know.
            if (errno is (int)Errno.ENOSYS or (int)Errno.EPERM)
            {
                Volatile.Write(ref _noListXattrAt, true);
                return false;
            }
            if (errno != 0)
                ThrowHelper.ThrowNative("listxattrat", name, errno);
            return true;
        }
    }

    private static bool _noListXattrAt;

    /// <summary>llistxattr(path) when <paramref name="dirfd"/> is -1, else listxattrat(dirfd, path, AT_SYMLINK_NOFOLLOW);
    /// fills <paramref name="names"/>, returns 0 or the errno. No xattr support on the file system lists nothing.</summary>
    private static int ListCore(int dirfd, byte* path, List<string> names)
    {
        // Most files have few or no attributes: one call into a stack buffer is the common case.
        byte* stackList = stackalloc byte[512];
        nint n = List(dirfd, path, stackList, 512);
        if (n >= 0)
        {
            ParseNameList(new ReadOnlySpan<byte>(stackList, (int)n), names);
            return 0;
        }

        byte[]? rented = null;
        try
        {
            while (true)
            {
                int errno = LastErrno;
                if (IsNotSupported(errno))
                    return 0;
                if (errno != (int)Errno.ERANGE)
                    return errno;

                // The list grew or was larger than the stack buffer: ask for the size, then read again.
                nint size = List(dirfd, path, null, 0);
                if (size < 0)
                    continue;
                if (size == 0)
                    return 0;
                if (rented is null || rented.Length < size)
                {
                    if (rented is not null)
                        ArrayPool<byte>.Shared.Return(rented);
                    rented = ArrayPool<byte>.Shared.Rent((int)size);
                }
                fixed (byte* buf = rented)
                {
                    n = List(dirfd, path, buf, (nuint)rented.Length);
                }
                if (n >= 0)
                {
                    ParseNameList(rented.AsSpan(0, (int)n), names);
                    return 0;
                }
            }
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static nint List(int dirfd, byte* path, byte* list, nuint size) =>
        dirfd < 0
            ? Libc.llistxattr(path, list, size)
            : Libc.syscall_listxattrat(Libc.SYS_listxattrat, dirfd, path, (uint)Libc.AT_SYMLINK_NOFOLLOW, list, size);

    /// <summary>The value of attribute <paramref name="name"/> of <paramref name="path"/> (lgetxattr); ENODATA if absent.</summary>
    public static byte[] GetXattr(string path, string name)
    {
        int errno = GetXattrCore(path, name, out byte[]? value);
        if (errno != 0)
            ThrowHelper.ThrowNative("lgetxattr", path, errno, name);
        return value!;
    }

    /// <summary>Like <see cref="GetXattr"/>, but returns false when the attribute does not exist (ENODATA).</summary>
    public static bool TryGetXattr(string path, string name, out byte[]? value)
    {
        int errno = GetXattrCore(path, name, out value);
        if (errno == 0)
            return true;
        if (errno != (int)Errno.ENODATA)
            ThrowHelper.ThrowNative("lgetxattr", path, errno, name);
        return false;
    }

    /// <summary>Creates or replaces attribute <paramref name="name"/> on <paramref name="path"/> (lsetxattr, no-follow).</summary>
    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var n = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        fixed (byte* a = n.Encode(name))
        fixed (byte* v = value)
        {
            // An empty span pins to null; the kernel accepts (NULL, 0) as an empty value.
            if (Libc.lsetxattr(s, a, v, (nuint)value.Length, 0) != 0)
                ThrowHelper.ThrowLast("lsetxattr", path, name);
        }
    }

    /// <summary>fsetxattr on an open descriptor: sets the attribute on exactly the file opened, no path race.</summary>
    public static void FSetXattr(SafeFileHandle fd, string name, ReadOnlySpan<byte> value)
    {
        using var lease = new FdLease(fd);
        using var n = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* a = n.Encode(name))
        fixed (byte* v = value)
        {
            if (Libc.fsetxattr(lease.Fd, a, v, (nuint)value.Length, 0) != 0)
                ThrowHelper.ThrowLast("fsetxattr", null, name);
        }
    }

    /// <summary>Removes attribute <paramref name="name"/> from <paramref name="path"/> (lremovexattr); ENODATA if absent.</summary>
    public static void RemoveXattr(string path, string name)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var n = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        fixed (byte* a = n.Encode(name))
        {
            if (Libc.lremovexattr(s, a) != 0)
                ThrowHelper.ThrowLast("lremovexattr", path, name);
        }
    }

    private static int GetXattrCore(string path, string name, out byte[]? value)
    {
        value = null;
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var n = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        fixed (byte* a = n.Encode(name))
        {
            // Values are usually small (capabilities are 20 bytes, SELinux labels < 100).
            byte* small = stackalloc byte[256];
            nint len = Libc.lgetxattr(s, a, small, 256);
            if (len >= 0)
            {
                value = new ReadOnlySpan<byte>(small, (int)len).ToArray();
                return 0;
            }

            while (true)
            {
                int errno = LastErrno;
                if (errno != (int)Errno.ERANGE)
                    return errno;

                nint size = Libc.lgetxattr(s, a, null, 0);
                if (size < 0)
                    continue; // errno of the size query is handled at the top of the loop
                byte[] buffer = new byte[size];
                fixed (byte* b = buffer)
                {
                    len = Libc.lgetxattr(s, a, b, (nuint)buffer.Length);
                }
                if (len >= 0)
                {
                    value = len == buffer.Length ? buffer : buffer.AsSpan(0, (int)len).ToArray();
                    return 0;
                }
                // ERANGE again: the value grew between the two calls; go round.
            }
        }
    }

    private static bool IsNotSupported(int errno) => errno == (int)Errno.EOPNOTSUPP;

    private static void ParseNameList(ReadOnlySpan<byte> list, List<string> names)
    {
        while (!list.IsEmpty)
        {
            int end = list.IndexOf((byte)0);
            if (end < 0)
                end = list.Length;
            if (end > 0)
                names.Add(Encoding.UTF8.GetString(list[..end]));
            list = end < list.Length ? list[(end + 1)..] : default;
        }
    }
}
