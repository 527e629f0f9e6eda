using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

/// <summary>btrfs subvolumes and snapshots through ioctl (what `btrfs subvolume ...` does).</summary>
public static unsafe class Btrfs
{
    /// <summary>True when <paramref name="path"/> is the root directory of a btrfs subvolume (inode 256 on a btrfs file system).</summary>
    public static bool IsSubvolume(string path)
    {
        if (!Posix.TryLStat(path, out FileStatus st) || st.Kind != FileKind.Directory || st.Inode != Libc.BTRFS_FIRST_FREE_OBJECTID)
            return false;
        return IsBtrfs(path);
    }

    /// <summary>True when <paramref name="path"/> lives on btrfs (statfs f_type).</summary>
    public static bool IsBtrfs(string path)
    {
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        Libc.statfs_t buf;
        fixed (byte* s = p.Encode(path))
        {
            if (Libc.statfs(s, &buf) != 0)
                ThrowHelper.ThrowLast("statfs", path);
        }
        return buf.f_type == Libc.BTRFS_SUPER_MAGIC;
    }

    /// <summary>Creates an empty subvolume <paramref name="name"/> in <paramref name="parentDir"/> (BTRFS_IOC_SUBVOL_CREATE).</summary>
    public static void CreateSubvolume(string parentDir, string name)
    {
        Libc.btrfs_ioctl_vol_args args = default;
        CopyName(name, new Span<byte>(args.name, Libc.BTRFS_PATH_NAME_MAX + 1));
        using SafeFileHandle parent = Posix.OpenDirectory(parentDir);
        using var lease = new FdLease(parent);
        if (Libc.ioctl(lease.Fd, Libc.BTRFS_IOC_SUBVOL_CREATE, &args) != 0)
            ThrowHelper.ThrowLast("ioctl", parentDir, $"BTRFS_IOC_SUBVOL_CREATE '{name}'");
    }

    /// <summary>
    /// Snapshots subvolume <paramref name="sourceSubvolPath"/> as <paramref name="destDir"/>/<paramref name="name"/>
    /// (BTRFS_IOC_SNAP_CREATE_V2), read-only when asked. Both must be on the same btrfs file system.
    /// </summary>
    public static void CreateSnapshot(string sourceSubvolPath, string destDir, string name, bool readOnly)
    {
        Libc.btrfs_ioctl_vol_args_v2 args = default; // 4 KiB, zeroed: unknown fields must be 0
        CopyName(name, new Span<byte>(args.name, Libc.BTRFS_SUBVOL_NAME_MAX + 1));
        args.flags = readOnly ? Libc.BTRFS_SUBVOL_RDONLY : 0;

        using SafeFileHandle source = Posix.OpenDirectory(sourceSubvolPath);
        using SafeFileHandle dest = Posix.OpenDirectory(destDir);
        using var s = new FdLease(source);
        using var d = new FdLease(dest);
        args.fd = s.Fd;
        if (Libc.ioctl(d.Fd, Libc.BTRFS_IOC_SNAP_CREATE_V2, &args) != 0)
            ThrowHelper.ThrowLast("ioctl", sourceSubvolPath, $"BTRFS_IOC_SNAP_CREATE_V2 to '{destDir}/{name}'");
    }

    /// <summary>Deletes subvolume or snapshot <paramref name="name"/> in <paramref name="parentDir"/> (BTRFS_IOC_SNAP_DESTROY), even a non-empty or read-only one.</summary>
    public static void DeleteSubvolume(string parentDir, string name)
    {
        Libc.btrfs_ioctl_vol_args args = default;
        CopyName(name, new Span<byte>(args.name, Libc.BTRFS_PATH_NAME_MAX + 1));
        using SafeFileHandle parent = Posix.OpenDirectory(parentDir);
        using var lease = new FdLease(parent);
        if (Libc.ioctl(lease.Fd, Libc.BTRFS_IOC_SNAP_DESTROY, &args) != 0)
            ThrowHelper.ThrowLast("ioctl", parentDir, $"BTRFS_IOC_SNAP_DESTROY '{name}'");
    }

    // The kernel takes a single path component; anything else would be created somewhere unexpected or fail obscurely.
    private static void CopyName(string name, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "." or ".." || name.Contains('/'))
            throw new ArgumentException("A subvolume name is a single path component.", nameof(name));
        using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
        Span<byte> utf8 = p.Encode(name); // includes the NUL
        if (utf8.Length > destination.Length)
            throw new ArgumentException($"A subvolume name is at most {destination.Length - 1} bytes.", nameof(name));
        utf8.CopyTo(destination);
    }
}
