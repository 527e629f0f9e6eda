namespace Kernel.Update.Rollback.Native;

/// <summary>
/// Architecture-neutral open flags; <see cref="Posix.Open"/> translates them to the O_* values of the
/// running architecture (O_DIRECT, O_DIRECTORY and O_NOFOLLOW differ between x86_64 and arm64).
/// No access flag means read-only. O_CLOEXEC is always added.
/// </summary>
[Flags]
public enum OpenFlags
{
    None = 0,
    ReadOnly = 1,
    WriteOnly = 2,
    ReadWrite = 4,
    Create = 8,
    Exclusive = 16,
    Truncate = 32,
    NoFollow = 64,
    Directory = 128,
    Direct = 256,
    Sync = 512,
    Path = 1024,
    Append = 2048,

    /// <summary>O_NOATIME: reading does not update the access time, so taking a snapshot does not dirty the inodes
    /// it reads (nor make the next syncfs write them). Only the owner or CAP_FOWNER may ask; for anyone else the
    /// open is retried without it (as GNU tar's --atime-preserve=system does).</summary>
    NoAccessTime = 4096,
}
