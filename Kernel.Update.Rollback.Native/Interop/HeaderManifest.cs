namespace Kernel.Update.Rollback.Native;

/// <summary>A C constant and the value this assembly uses for it on the running architecture. One newer than
/// the build machine's headers may be <paramref name="MayBeMissing"/>: checked wherever the headers define it.</summary>
internal readonly record struct HeaderConstant(string Name, long Value, bool MayBeMissing = false);

/// <summary>A C type and the size of its C# mirror.</summary>
internal readonly record struct HeaderSize(string CType, int Size);

/// <summary>A field of a C type and its offset in the C# mirror.</summary>
internal readonly record struct HeaderOffset(string CType, string Field, int Offset);

/// <summary>
/// Every constant and struct layout this assembly hard-codes, for the test that compiles them as
/// _Static_assert checks against the system headers. Add an entry whenever you add a constant or a struct.
/// </summary>
internal static unsafe class HeaderManifest
{
    internal static readonly string[] Headers =
    [
        "fcntl.h", "unistd.h", "dirent.h", "stdio.h", "errno.h", "stddef.h",
        "sys/stat.h", "sys/statvfs.h", "sys/vfs.h", "sys/file.h", "sys/xattr.h", "sys/syscall.h", "sys/ioctl.h",
        "sys/socket.h", "grp.h",
        "linux/fs.h", "linux/openat2.h", "linux/btrfs.h", "linux/btrfs_tree.h", "linux/magic.h", "linux/limits.h",
    ];

    /// <summary>Values for the architecture this process runs on (per-arch values already selected).</summary>
    internal static HeaderConstant[] Constants() =>
    [
        // fcntl.h
        new("O_RDONLY", Libc.O_RDONLY), new("O_WRONLY", Libc.O_WRONLY), new("O_RDWR", Libc.O_RDWR),
        new("O_ACCMODE", Libc.O_ACCMODE), new("O_CREAT", Libc.O_CREAT), new("O_EXCL", Libc.O_EXCL),
        new("O_NOCTTY", Libc.O_NOCTTY), new("O_TRUNC", Libc.O_TRUNC), new("O_APPEND", Libc.O_APPEND),
        new("O_NONBLOCK", Libc.O_NONBLOCK), new("O_DSYNC", Libc.O_DSYNC), new("O_NOATIME", Libc.O_NOATIME),
        new("O_CLOEXEC", Libc.O_CLOEXEC), new("O_SYNC", Libc.O_SYNC), new("O_PATH", Libc.O_PATH),
        new("O_DIRECT", Libc.O_DIRECT), new("O_DIRECTORY", Libc.O_DIRECTORY), new("O_NOFOLLOW", Libc.O_NOFOLLOW),
        new("AT_FDCWD", Libc.AT_FDCWD), new("AT_SYMLINK_NOFOLLOW", Libc.AT_SYMLINK_NOFOLLOW),
        new("AT_REMOVEDIR", Libc.AT_REMOVEDIR), new("AT_SYMLINK_FOLLOW", Libc.AT_SYMLINK_FOLLOW),
        new("AT_NO_AUTOMOUNT", Libc.AT_NO_AUTOMOUNT), new("AT_EMPTY_PATH", Libc.AT_EMPTY_PATH),
        new("AT_STATX_SYNC_AS_STAT", Libc.AT_STATX_SYNC_AS_STAT),
        // sys/stat.h
        new("S_IFMT", Libc.S_IFMT), new("S_IFSOCK", Libc.S_IFSOCK), new("S_IFLNK", Libc.S_IFLNK),
        new("S_IFREG", Libc.S_IFREG), new("S_IFBLK", Libc.S_IFBLK), new("S_IFDIR", Libc.S_IFDIR),
        new("S_IFCHR", Libc.S_IFCHR), new("S_IFIFO", Libc.S_IFIFO), new("ALLPERMS", Libc.ALLPERMS),
        new("STATX_BASIC_STATS", Libc.STATX_BASIC_STATS),
        new("UTIME_NOW", Libc.UTIME_NOW), new("UTIME_OMIT", Libc.UTIME_OMIT),
        // unistd.h, sys/syscall.h
        new("SEEK_SET", Libc.SEEK_SET), new("SEEK_CUR", Libc.SEEK_CUR), new("SEEK_END", Libc.SEEK_END),
        new("SEEK_DATA", Libc.SEEK_DATA), new("SEEK_HOLE", Libc.SEEK_HOLE),
        new("SYS_openat2", Libc.SYS_openat2), new("SYS_mknodat", Libc.SYS_mknodat),
        new("SYS_listxattrat", Libc.SYS_listxattrat, MayBeMissing: true),
        // linux/openat2.h
        new("RESOLVE_NO_XDEV", (long)Libc.RESOLVE_NO_XDEV), new("RESOLVE_NO_MAGICLINKS", (long)Libc.RESOLVE_NO_MAGICLINKS),
        new("RESOLVE_NO_SYMLINKS", (long)Libc.RESOLVE_NO_SYMLINKS), new("RESOLVE_BENEATH", (long)Libc.RESOLVE_BENEATH),
        new("RESOLVE_IN_ROOT", (long)Libc.RESOLVE_IN_ROOT), new("RESOLVE_CACHED", (long)Libc.RESOLVE_CACHED),
        // sys/xattr.h, linux/limits.h
        new("XATTR_CREATE", Libc.XATTR_CREATE), new("XATTR_REPLACE", Libc.XATTR_REPLACE),
        new("XATTR_SIZE_MAX", Libc.XATTR_SIZE_MAX), new("XATTR_LIST_MAX", Libc.XATTR_LIST_MAX),
        // sys/statvfs.h (enum values in glibc, fine for _Static_assert)
        new("ST_RDONLY", (long)Libc.ST_RDONLY), new("ST_NOSUID", (long)Libc.ST_NOSUID), new("ST_NODEV", (long)Libc.ST_NODEV),
        new("ST_NOEXEC", (long)Libc.ST_NOEXEC), new("ST_SYNCHRONOUS", (long)Libc.ST_SYNCHRONOUS),
        new("ST_MANDLOCK", (long)Libc.ST_MANDLOCK), new("ST_NOATIME", (long)Libc.ST_NOATIME),
        new("ST_NODIRATIME", (long)Libc.ST_NODIRATIME), new("ST_RELATIME", (long)Libc.ST_RELATIME),
        // linux/magic.h
        new("BTRFS_SUPER_MAGIC", Libc.BTRFS_SUPER_MAGIC), new("EXT4_SUPER_MAGIC", Libc.EXT4_SUPER_MAGIC),
        new("TMPFS_MAGIC", Libc.TMPFS_MAGIC),
        // sys/socket.h
        new("SOL_SOCKET", Libc.SOL_SOCKET), new("SO_PEERCRED", Libc.SO_PEERCRED), new("SO_PEERGROUPS", Libc.SO_PEERGROUPS),
        // sys/file.h
        new("LOCK_SH", Libc.LOCK_SH), new("LOCK_EX", Libc.LOCK_EX), new("LOCK_NB", Libc.LOCK_NB), new("LOCK_UN", Libc.LOCK_UN),
        // stdio.h
        new("RENAME_NOREPLACE", Libc.RENAME_NOREPLACE), new("RENAME_EXCHANGE", Libc.RENAME_EXCHANGE),
        new("RENAME_WHITEOUT", Libc.RENAME_WHITEOUT),
        // linux/fs.h
        new("BLKGETSIZE64", (long)Libc.BLKGETSIZE64), new("BLKSSZGET", (long)Libc.BLKSSZGET),
        new("BLKPBSZGET", (long)Libc.BLKPBSZGET), new("BLKFLSBUF", (long)Libc.BLKFLSBUF),
        new("BLKDISCARD", (long)Libc.BLKDISCARD), new("BLKIOMIN", (long)Libc.BLKIOMIN), new("BLKIOOPT", (long)Libc.BLKIOOPT),
        new("FICLONE", (long)Libc.FICLONE), new("FICLONERANGE", (long)Libc.FICLONERANGE),
        // linux/btrfs.h, linux/btrfs_tree.h
        new("BTRFS_IOC_SNAP_CREATE_V2", (long)Libc.BTRFS_IOC_SNAP_CREATE_V2),
        new("BTRFS_IOC_SUBVOL_CREATE", (long)Libc.BTRFS_IOC_SUBVOL_CREATE),
        new("BTRFS_IOC_SNAP_DESTROY", (long)Libc.BTRFS_IOC_SNAP_DESTROY),
        new("BTRFS_SUBVOL_RDONLY", (long)Libc.BTRFS_SUBVOL_RDONLY),
        new("BTRFS_PATH_NAME_MAX", Libc.BTRFS_PATH_NAME_MAX), new("BTRFS_SUBVOL_NAME_MAX", Libc.BTRFS_SUBVOL_NAME_MAX),
        new("BTRFS_FIRST_FREE_OBJECTID", (long)Libc.BTRFS_FIRST_FREE_OBJECTID),
    ];

    internal static HeaderSize[] Sizes() =>
    [
        new("struct statx", sizeof(Libc.statx_t)),
        new("struct statx_timestamp", sizeof(Libc.statx_timestamp)),
        new("struct timespec", sizeof(Libc.timespec)),
        new("struct open_how", sizeof(Libc.open_how)),
        new("struct statvfs", sizeof(Libc.statvfs_t)),
        new("struct statfs", sizeof(Libc.statfs_t)),
        new("struct file_clone_range", sizeof(Libc.file_clone_range)),
        new("struct btrfs_ioctl_vol_args", sizeof(Libc.btrfs_ioctl_vol_args)),
        new("struct btrfs_ioctl_vol_args_v2", sizeof(Libc.btrfs_ioctl_vol_args_v2)),
        new("struct ucred", sizeof(Libc.ucred)),
        new("struct group", sizeof(Libc.group)),
    ];

    internal static List<HeaderOffset> Offsets()
    {
        var list = new List<HeaderOffset>();

        Libc.statx_t sx;
        byte* b = (byte*)&sx;
        const string Statx = "struct statx";
        list.Add(new(Statx, "stx_mask", (int)((byte*)&sx.stx_mask - b)));
        list.Add(new(Statx, "stx_blksize", (int)((byte*)&sx.stx_blksize - b)));
        list.Add(new(Statx, "stx_attributes", (int)((byte*)&sx.stx_attributes - b)));
        list.Add(new(Statx, "stx_nlink", (int)((byte*)&sx.stx_nlink - b)));
        list.Add(new(Statx, "stx_uid", (int)((byte*)&sx.stx_uid - b)));
        list.Add(new(Statx, "stx_gid", (int)((byte*)&sx.stx_gid - b)));
        list.Add(new(Statx, "stx_mode", (int)((byte*)&sx.stx_mode - b)));
        list.Add(new(Statx, "stx_ino", (int)((byte*)&sx.stx_ino - b)));
        list.Add(new(Statx, "stx_size", (int)((byte*)&sx.stx_size - b)));
        list.Add(new(Statx, "stx_blocks", (int)((byte*)&sx.stx_blocks - b)));
        list.Add(new(Statx, "stx_attributes_mask", (int)((byte*)&sx.stx_attributes_mask - b)));
        list.Add(new(Statx, "stx_atime", (int)((byte*)&sx.stx_atime - b)));
        list.Add(new(Statx, "stx_btime", (int)((byte*)&sx.stx_btime - b)));
        list.Add(new(Statx, "stx_ctime", (int)((byte*)&sx.stx_ctime - b)));
        list.Add(new(Statx, "stx_mtime", (int)((byte*)&sx.stx_mtime - b)));
        list.Add(new(Statx, "stx_rdev_major", (int)((byte*)&sx.stx_rdev_major - b)));
        list.Add(new(Statx, "stx_rdev_minor", (int)((byte*)&sx.stx_rdev_minor - b)));
        list.Add(new(Statx, "stx_dev_major", (int)((byte*)&sx.stx_dev_major - b)));
        list.Add(new(Statx, "stx_dev_minor", (int)((byte*)&sx.stx_dev_minor - b)));
        list.Add(new(Statx, "stx_mnt_id", (int)((byte*)&sx.stx_mnt_id - b)));

        Libc.statx_timestamp ts;
        b = (byte*)&ts;
        list.Add(new("struct statx_timestamp", "tv_sec", (int)((byte*)&ts.tv_sec - b)));
        list.Add(new("struct statx_timestamp", "tv_nsec", (int)((byte*)&ts.tv_nsec - b)));

        Libc.timespec t;
        b = (byte*)&t;
        list.Add(new("struct timespec", "tv_sec", (int)((byte*)&t.tv_sec - b)));
        list.Add(new("struct timespec", "tv_nsec", (int)((byte*)&t.tv_nsec - b)));

        Libc.open_how how;
        b = (byte*)&how;
        list.Add(new("struct open_how", "flags", (int)((byte*)&how.flags - b)));
        list.Add(new("struct open_how", "mode", (int)((byte*)&how.mode - b)));
        list.Add(new("struct open_how", "resolve", (int)((byte*)&how.resolve - b)));

        Libc.statvfs_t vfs;
        b = (byte*)&vfs;
        const string Statvfs = "struct statvfs";
        list.Add(new(Statvfs, "f_bsize", (int)((byte*)&vfs.f_bsize - b)));
        list.Add(new(Statvfs, "f_frsize", (int)((byte*)&vfs.f_frsize - b)));
        list.Add(new(Statvfs, "f_blocks", (int)((byte*)&vfs.f_blocks - b)));
        list.Add(new(Statvfs, "f_bfree", (int)((byte*)&vfs.f_bfree - b)));
        list.Add(new(Statvfs, "f_bavail", (int)((byte*)&vfs.f_bavail - b)));
        list.Add(new(Statvfs, "f_files", (int)((byte*)&vfs.f_files - b)));
        list.Add(new(Statvfs, "f_ffree", (int)((byte*)&vfs.f_ffree - b)));
        list.Add(new(Statvfs, "f_favail", (int)((byte*)&vfs.f_favail - b)));
        list.Add(new(Statvfs, "f_fsid", (int)((byte*)&vfs.f_fsid - b)));
        list.Add(new(Statvfs, "f_flag", (int)((byte*)&vfs.f_flag - b)));
        list.Add(new(Statvfs, "f_namemax", (int)((byte*)&vfs.f_namemax - b)));

        Libc.statfs_t fs;
        b = (byte*)&fs;
        list.Add(new("struct statfs", "f_type", (int)((byte*)&fs.f_type - b)));
        list.Add(new("struct statfs", "f_bsize", (int)((byte*)&fs.f_bsize - b)));
        list.Add(new("struct statfs", "f_blocks", (int)((byte*)&fs.f_blocks - b)));
        list.Add(new("struct statfs", "f_fsid", (int)((byte*)&fs.f_fsid - b)));
        list.Add(new("struct statfs", "f_namelen", (int)((byte*)&fs.f_namelen - b)));
        list.Add(new("struct statfs", "f_frsize", (int)((byte*)&fs.f_frsize - b)));
        list.Add(new("struct statfs", "f_flags", (int)((byte*)&fs.f_flags - b)));

        Libc.file_clone_range fcr;
        b = (byte*)&fcr;
        list.Add(new("struct file_clone_range", "src_fd", (int)((byte*)&fcr.src_fd - b)));
        list.Add(new("struct file_clone_range", "src_offset", (int)((byte*)&fcr.src_offset - b)));
        list.Add(new("struct file_clone_range", "src_length", (int)((byte*)&fcr.src_length - b)));
        list.Add(new("struct file_clone_range", "dest_offset", (int)((byte*)&fcr.dest_offset - b)));

        Libc.btrfs_ioctl_vol_args va;
        b = (byte*)&va;
        list.Add(new("struct btrfs_ioctl_vol_args", "fd", (int)((byte*)&va.fd - b)));
        list.Add(new("struct btrfs_ioctl_vol_args", "name", (int)(va.name - b)));

        Libc.btrfs_ioctl_vol_args_v2 v2;
        b = (byte*)&v2;
        const string V2 = "struct btrfs_ioctl_vol_args_v2";
        list.Add(new(V2, "fd", (int)((byte*)&v2.fd - b)));
        list.Add(new(V2, "transid", (int)((byte*)&v2.transid - b)));
        list.Add(new(V2, "flags", (int)((byte*)&v2.flags - b)));
        list.Add(new(V2, "unused", (int)((byte*)v2.unused - b)));
        list.Add(new(V2, "name", (int)(v2.name - b)));

        Libc.ucred cred;
        b = (byte*)&cred;
        list.Add(new("struct ucred", "pid", (int)((byte*)&cred.pid - b)));
        list.Add(new("struct ucred", "uid", (int)((byte*)&cred.uid - b)));
        list.Add(new("struct ucred", "gid", (int)((byte*)&cred.gid - b)));

        Libc.group gr;
        b = (byte*)&gr;
        list.Add(new("struct group", "gr_name", (int)((byte*)&gr.gr_name - b)));
        list.Add(new("struct group", "gr_passwd", (int)((byte*)&gr.gr_passwd - b)));
        list.Add(new("struct group", "gr_gid", (int)((byte*)&gr.gr_gid - b)));
        list.Add(new("struct group", "gr_mem", (int)((byte*)&gr.gr_mem - b)));

        // struct dirent64 (glibc) has linux_dirent64's layout; getdents64 records are parsed by these offsets.
        list.Add(new("struct dirent64", "d_reclen", Libc.DirentRecLenOffset));
        list.Add(new("struct dirent64", "d_type", Libc.DirentTypeOffset));
        list.Add(new("struct dirent64", "d_name", Libc.DirentNameOffset));

        return list;
    }
}
