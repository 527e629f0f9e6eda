using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    /// <summary>The target of symlink <paramref name="path"/> (readlinkat).</summary>
    public static string ReadLink(string path) => ReadLinkCore(Libc.AT_FDCWD, path);

    /// <summary>The target of symlink <paramref name="name"/> in <paramref name="dir"/> (readlinkat).</summary>
    public static string ReadLinkAt(SafeFileHandle dir, string name)
    {
        using var lease = new FdLease(dir);
        return ReadLinkCore(lease.Fd, name);
    }

    /// <summary>Creates symlink <paramref name="linkPath"/> pointing at <paramref name="target"/> (symlinkat).</summary>
    public static void Symlink(string target, string linkPath) => SymlinkCore(target, Libc.AT_FDCWD, linkPath);

    /// <summary>Creates symlink <paramref name="linkName"/> in <paramref name="dir"/> pointing at <paramref name="target"/>.</summary>
    public static void SymlinkAt(string target, SafeFileHandle dir, string linkName)
    {
        using var lease = new FdLease(dir);
        SymlinkCore(target, lease.Fd, linkName);
    }

    /// <summary>Creates hard link <paramref name="newPath"/> to <paramref name="existingPath"/> (linkat, no-follow).</summary>
    public static void Link(string existingPath, string newPath)
    {
        using var a = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var b = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* from = a.Encode(existingPath))
        fixed (byte* to = b.Encode(newPath))
        {
            if (Libc.linkat(Libc.AT_FDCWD, from, Libc.AT_FDCWD, to, 0) != 0)
                ThrowHelper.ThrowLast("linkat", newPath, $"link to '{existingPath}'");
        }
    }

    /// <summary>Hard link between two directory handles (linkat, no-follow).</summary>
    public static void LinkAt(SafeFileHandle existingDir, string existingName, SafeFileHandle newDir, string newName)
    {
        using var da = new FdLease(existingDir);
        using var db = new FdLease(newDir);
        using var a = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var b = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* from = a.Encode(existingName))
        fixed (byte* to = b.Encode(newName))
        {
            if (Libc.linkat(da.Fd, from, db.Fd, to, 0) != 0)
                ThrowHelper.ThrowLast("linkat", newName, $"link to '{existingName}'");
        }
    }

    /// <summary>
    /// Creates a special (or empty regular) file: <see cref="FileKind.Fifo"/>, <see cref="FileKind.CharDevice"/>,
    /// <see cref="FileKind.BlockDevice"/>, <see cref="FileKind.Socket"/> or <see cref="FileKind.Regular"/>.
    /// <paramref name="mode"/> is the permission bits; the umask applies. <paramref name="rdev"/> is a <see cref="MakeDev"/> value.
    /// </summary>
    public static void MkNod(string path, FileKind kind, uint mode, ulong rdev) => MkNodCore(Libc.AT_FDCWD, path, kind, mode, rdev);

    /// <summary><see cref="MkNod"/> relative to a directory handle.</summary>
    public static void MkNodAt(SafeFileHandle dir, string name, FileKind kind, uint mode, ulong rdev)
    {
        using var lease = new FdLease(dir);
        MkNodCore(lease.Fd, name, kind, mode, rdev);
    }

    private static void MkNodCore(int dirfd, string path, FileKind kind, uint mode, ulong rdev)
    {
        if (kind is not (FileKind.Regular or FileKind.Fifo or FileKind.CharDevice or FileKind.BlockDevice or FileKind.Socket))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "mknod creates regular files, FIFOs, sockets and devices only.");
        // The syscall takes a 32-bit dev_t; glibc refuses larger values the same way.
        if (rdev > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rdev), rdev, "The kernel's mknod takes a 32-bit device number.");
        Libc.EnsureSupportedArchitecture();

        uint fullMode = FileStatus.ModeFromKind(kind) | (mode & Libc.ALLPERMS);
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.syscall_mknodat(Libc.SYS_mknodat, dirfd, s, fullMode, (uint)rdev) != 0)
                ThrowHelper.ThrowLast("mknodat", path);
        }
    }

    private static void SymlinkCore(string target, int dirfd, string linkPath)
    {
        using var a = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        using var b = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* t = a.Encode(target))
        fixed (byte* l = b.Encode(linkPath))
        {
            if (Libc.symlinkat(t, dirfd, l) != 0)
                ThrowHelper.ThrowLast("symlinkat", linkPath, $"target '{target}'");
        }
    }

    private static string ReadLinkCore(int dirfd, string path)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        fixed (byte* s = p.Encode(path))
        {
            byte* small = stackalloc byte[256];
            nint n = Libc.readlinkat(dirfd, s, small, 256);
            if (n < 0)
                ThrowHelper.ThrowLast("readlinkat", path);
            if (n < 256)
                return Encoding.UTF8.GetString(small, (int)n);

            // A result that fills the buffer may be truncated: grow until it does not.
            for (int size = 4096; ; size *= 2)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    fixed (byte* b = buffer)
                    {
                        n = Libc.readlinkat(dirfd, s, b, (nuint)buffer.Length);
                    }
                    if (n < 0)
                        ThrowHelper.ThrowLast("readlinkat", path);
                    if (n < buffer.Length)
                        return Encoding.UTF8.GetString(buffer, 0, (int)n);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }
}
