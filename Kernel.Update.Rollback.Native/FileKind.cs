namespace Kernel.Update.Rollback.Native;

/// <summary>The file type bits of st_mode (S_IFMT).</summary>
public enum FileKind : byte
{
    Unknown = 0,
    Regular = 1,
    Directory = 2,
    Symlink = 3,
    CharDevice = 4,
    BlockDevice = 5,
    Fifo = 6,
    Socket = 7,
}
