namespace Kernel.Update.Rollback.Native;

/// <summary>What statx reported about a file. Times are seconds since the epoch plus nanoseconds.</summary>
public readonly struct FileStatus
{
    public FileKind Kind { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (st_mode &amp; 07777).</summary>
    public uint Mode { get; init; }

    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public uint NLink { get; init; }
    public ulong Inode { get; init; }

    /// <summary>The device holding the file, glibc makedev encoding (see <see cref="Posix.MakeDev"/>).</summary>
    public ulong Device { get; init; }

    /// <summary>For character and block devices: the device they stand for, glibc makedev encoding.</summary>
    public ulong RDev { get; init; }

    public long Size { get; init; }

    /// <summary>512-byte blocks allocated (not st_blksize units).</summary>
    public long Blocks { get; init; }

    public long MTimeSeconds { get; init; }
    public uint MTimeNanoseconds { get; init; }
    public long CTimeSeconds { get; init; }
    public uint CTimeNanoseconds { get; init; }
    public long ATimeSeconds { get; init; }
    public uint ATimeNanoseconds { get; init; }

    public bool IsDirectory => Kind == FileKind.Directory;
    public bool IsRegularFile => Kind == FileKind.Regular;
    public bool IsSymlink => Kind == FileKind.Symlink;

    internal static FileStatus From(in Libc.statx_t s) => new()
    {
        Kind = KindFromMode(s.stx_mode),
        Mode = s.stx_mode & Libc.ALLPERMS,
        Uid = s.stx_uid,
        Gid = s.stx_gid,
        NLink = s.stx_nlink,
        Inode = s.stx_ino,
        Device = Posix.MakeDev(s.stx_dev_major, s.stx_dev_minor),
        RDev = Posix.MakeDev(s.stx_rdev_major, s.stx_rdev_minor),
        Size = (long)s.stx_size,
        Blocks = (long)s.stx_blocks,
        MTimeSeconds = s.stx_mtime.tv_sec,
        MTimeNanoseconds = s.stx_mtime.tv_nsec,
        CTimeSeconds = s.stx_ctime.tv_sec,
        CTimeNanoseconds = s.stx_ctime.tv_nsec,
        ATimeSeconds = s.stx_atime.tv_sec,
        ATimeNanoseconds = s.stx_atime.tv_nsec,
    };

    internal static FileKind KindFromMode(uint mode) => (mode & Libc.S_IFMT) switch
    {
        Libc.S_IFREG => FileKind.Regular,
        Libc.S_IFDIR => FileKind.Directory,
        Libc.S_IFLNK => FileKind.Symlink,
        Libc.S_IFCHR => FileKind.CharDevice,
        Libc.S_IFBLK => FileKind.BlockDevice,
        Libc.S_IFIFO => FileKind.Fifo,
        Libc.S_IFSOCK => FileKind.Socket,
        _ => FileKind.Unknown,
    };

    internal static uint ModeFromKind(FileKind kind) => kind switch
    {
        FileKind.Regular => Libc.S_IFREG,
        FileKind.Directory => Libc.S_IFDIR,
        FileKind.Symlink => Libc.S_IFLNK,
        FileKind.CharDevice => Libc.S_IFCHR,
        FileKind.BlockDevice => Libc.S_IFBLK,
        FileKind.Fifo => Libc.S_IFIFO,
        FileKind.Socket => Libc.S_IFSOCK,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No S_IFMT value for this kind."),
    };
}
