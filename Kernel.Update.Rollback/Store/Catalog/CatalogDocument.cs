namespace Kernel.Update.Rollback.Store.Catalog;

/// <summary>
/// The committed state of a store: every recovery point and every pack. Replaced atomically by rename,
/// so a reader sees one whole state. Order and age come from <see cref="NextSequence"/>, never from the
/// wall clock: many devices boot without a real-time clock.
/// </summary>
public sealed class CatalogDocument
{
    public int Format { get; set; } = 1;
    public long NextSequence { get; set; } = 1;
    public List<RecoveryPointRecord> Points { get; set; } = [];
    public List<PackRecord> Packs { get; set; } = [];
    /// <summary>The PreUpdate point of an update that is not yet confirmed: never pruned.</summary>
    public string? PendingUpdatePointId { get; set; }
}

public sealed class RecoveryPointRecord
{
    public string Id { get; set; } = "";
    public long Sequence { get; set; }
    public string Name { get; set; } = "";
    public RecoveryPointReason Reason { get; set; }
    /// <summary>Wall-clock time when taken, for people only; it may be wrong on a device without RTC.</summary>
    public DateTimeOffset Created { get; set; }
    public bool LastKnownGood { get; set; }
    public bool Protected { get; set; }
    public List<ComponentSnapshotRecord> Components { get; set; } = [];
}

public sealed class ComponentSnapshotRecord
{
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    /// <summary>The tree, relative to the device root; for a block component, where <c>restore --to</c> puts its image.</summary>
    public string Path { get; set; } = "";
    /// <summary>The block device or image file of a block component, as configured; null for a tree.</summary>
    public string? Block { get; set; }
    /// <summary>SHA-256 (hex) of the manifest file, which is also its name under manifests/.</summary>
    public string Manifest { get; set; } = "";
    public long Entries { get; set; }
    public long Files { get; set; }
    /// <summary>Bytes of regular-file content in the component (apparent data, holes excluded).</summary>
    public long DataBytes { get; set; }
    /// <summary>Bytes read from the live tree to take this snapshot (incremental snapshots read only what changed).</summary>
    public long ReadBytes { get; set; }
    /// <summary>Bytes this snapshot added to packs for this component.</summary>
    public long AddedBytes { get; set; }
    /// <summary>A read-only btrfs snapshot of the component (a subvolume) was taken with the point, at
    /// subvolumes/POINT.COMPONENT in the store: an accelerator for rollback; the chunks stay authoritative.
    /// Written only when set, so catalogs without it are as before.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Subvolume { get; set; }
}

public sealed class PackRecord
{
    public string Id { get; set; } = "";
    public long Length { get; set; }
    public int Chunks { get; set; }
    public string IndexSha256 { get; set; } = "";
}

/// <summary>Why a recovery point was taken. Written to the catalog by name.</summary>
public enum RecoveryPointReason
{
    Manual,
    PreUpdate,
    PreRollback,
    Scheduled,
    BootGood,
}
