namespace Kernel.Update.Rollback.Native;

/// <summary>Mount flags reported by statvfs (ST_*).</summary>
[Flags]
public enum StatVfsFlags : ulong
{
    None = 0,
    ReadOnly = Libc.ST_RDONLY,
    NoSuid = Libc.ST_NOSUID,
    NoDev = Libc.ST_NODEV,
    NoExec = Libc.ST_NOEXEC,
    Synchronous = Libc.ST_SYNCHRONOUS,
    MandatoryLock = Libc.ST_MANDLOCK,
    NoAtime = Libc.ST_NOATIME,
    NoDirAtime = Libc.ST_NODIRATIME,
    RelAtime = Libc.ST_RELATIME,
}

/// <summary>What statvfs reported about a file system. Block counts are in <see cref="FragmentSize"/> units.</summary>
public readonly struct StatVfs
{
    public ulong BlockSize { get; init; }
    public ulong FragmentSize { get; init; }
    public ulong Blocks { get; init; }
    public ulong BlocksFree { get; init; }

    /// <summary>Free blocks an unprivileged user may use (excludes the root reserve).</summary>
    public ulong BlocksAvailable { get; init; }

    public ulong Files { get; init; }
    public ulong FilesFree { get; init; }
    public ulong FilesAvailable { get; init; }
    public ulong FileSystemId { get; init; }
    public StatVfsFlags Flags { get; init; }
    public ulong MaxNameLength { get; init; }

    public bool IsReadOnly => (Flags & StatVfsFlags.ReadOnly) != 0;

    /// <summary>Bytes an unprivileged writer can still use; what df shows as "Available".</summary>
    public ulong AvailableBytes => BlocksAvailable * FragmentSize;

    /// <summary>Size of the file system in bytes; what df shows as "Size".</summary>
    public ulong TotalBytes => Blocks * FragmentSize;

    /// <summary>Free bytes including the root reserve.</summary>
    public ulong FreeBytes => BlocksFree * FragmentSize;

    internal static StatVfs From(in Libc.statvfs_t s) => new()
    {
        BlockSize = s.f_bsize,
        FragmentSize = s.f_frsize,
        Blocks = s.f_blocks,
        BlocksFree = s.f_bfree,
        BlocksAvailable = s.f_bavail,
        Files = s.f_files,
        FilesFree = s.f_ffree,
        FilesAvailable = s.f_favail,
        FileSystemId = s.f_fsid,
        Flags = (StatVfsFlags)s.f_flag,
        MaxNameLength = s.f_namemax,
    };
}
