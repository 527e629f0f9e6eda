namespace Kernel.Update.Rollback.Native;

/// <summary>renameat2 flags.</summary>
[Flags]
public enum RenameFlags : uint
{
    None = 0,
    /// <summary>Fail with EEXIST instead of replacing the destination.</summary>
    NoReplace = Libc.RENAME_NOREPLACE,
    /// <summary>Atomically swap the two names; both must exist.</summary>
    Exchange = Libc.RENAME_EXCHANGE,
    Whiteout = Libc.RENAME_WHITEOUT,
}
