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
}
