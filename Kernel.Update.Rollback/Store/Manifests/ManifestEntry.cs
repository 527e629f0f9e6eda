namespace Kernel.Update.Rollback.Store.Manifests;

/// <summary>The kind of a manifest entry. Written to disk: never renumber.</summary>
public enum EntryKind : byte
{
    Directory = 1,
    Regular = 2,
    Symlink = 3,
    /// <summary>A further name of an inode already recorded; <see cref="ManifestEntry.LinkTarget"/> is the first name's path.</summary>
    HardLink = 4,
    CharDevice = 5,
    BlockDevice = 6,
    Fifo = 7,
}

/// <summary>A piece of a file's content as stored: the chunk's hash and its plain length.</summary>
public readonly record struct ChunkRef(Hash256 Hash, int Length);

/// <summary>A data region of a sparse file; everything outside the extents is a hole.</summary>
public readonly record struct FileExtent(long Offset, long Length);

/// <summary>One extended attribute (security.capability, system.posix_acl_access, user.* ...).</summary>
public sealed record XattrEntry(string Name, byte[] Value);

/// <summary>
/// Everything needed to recreate one name in a component tree exactly, plus the change-detection
/// fields (ctime, inode) that let the next snapshot skip reading unchanged files.
/// </summary>
public sealed class ManifestEntry
{
    /// <summary>Path relative to the component's root, '/'-separated; "" is the component root itself.</summary>
    public required string Path { get; init; }
    public required EntryKind Kind { get; init; }
    public uint Mode { get; set; }
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public long MTimeSeconds { get; set; }
    public uint MTimeNanoseconds { get; set; }
    public long CTimeSeconds { get; set; }
    public uint CTimeNanoseconds { get; set; }
    public ulong Inode { get; set; }
    public uint NLink { get; set; }
    /// <summary>Apparent size of a regular file.</summary>
    public long Size { get; set; }
    public ulong RDev { get; set; }
    /// <summary>A symlink's target, or for a hard link the path of the entry it shares an inode with.</summary>
    public string? LinkTarget { get; set; }
    /// <summary>Data regions of a sparse file; null for a dense file (one region [0, Size)).</summary>
    public FileExtent[]? Extents { get; set; }
    public ChunkRef[] Chunks { get; set; } = [];
    public XattrEntry[] Xattrs { get; set; } = [];

    public bool IsSparse => Extents is not null;

    /// <summary>Sum of the data regions' lengths (what the chunks cover).</summary>
    public long DataLength
    {
        get
        {
            if (Extents is null)
                return Size;
            long total = 0;
            foreach (var extent in Extents)
                total += extent.Length;
            return total;
        }
    }
}
