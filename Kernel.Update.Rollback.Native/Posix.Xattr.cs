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
            // Most files have few or no attributes: one call into a stack buffer is the common case.
            byte* stackList = stackalloc byte[512];
            nint n = Libc.llistxattr(s, stackList, 512);
            if (n >= 0)
            {
                ParseNameList(new ReadOnlySpan<byte>(stackList, (int)n), names);
                return;
            }

            byte[]? rented = null;
            try
            {
                while (true)
                {
                    int errno = LastErrno;
                    if (IsNotSupported(errno))
                        return;
                    if (errno != (int)Errno.ERANGE)
                        ThrowHelper.ThrowNative("llistxattr", path, errno);

                    // The list grew or was larger than the stack buffer: ask for the size, then read again.
                    nint size = Libc.llistxattr(s, null, 0);
                    if (size < 0)
                        continue;
                    if (size == 0)
                        return;
                    if (rented is null || rented.Length < size)
                    {
                        if (rented is not null)
                            ArrayPool<byte>.Shared.Return(rented);
                        rented = ArrayPool<byte>.Shared.Rent((int)size);
                    }
                    fixed (byte* buf = rented)
                    {
                        n = Libc.llistxattr(s, buf, (nuint)rented.Length);
                    }
                    if (n >= 0)
                    {
                        ParseNameList(rented.AsSpan(0, (int)n), names);
                        return;
                    }
                }
            }
            finally
            {
                if (rented is not null)
                    ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

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
