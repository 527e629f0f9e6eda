using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Capture;

/// <summary>What to snapshot: a name for people, why, and which components (null: every tree component).</summary>
public sealed record SnapshotRequest(string? Name, RecoveryPointReason Reason, IReadOnlyList<string>? Components)
{
    public SnapshotCounters Counters { get; init; } = new();

    /// <summary>Who asks, for the audit log; null: this process's user (<see cref="Audit.AuditLog.CurrentActor"/>).</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// The manifests, by component name, of the recovery point a rollback is about to restore, for its PreRollback
    /// safety point: a regular file whose size and mtime equal that point's keeps that point's chunk list unread, the same quick check by which the
    /// rollback leaves such a file alone. Files the rollback will rewrite differ in size or mtime, so they are read.
    /// </summary>
    public IReadOnlyDictionary<string, Manifest>? QuickCheckAgainst { get; init; }

    /// <summary>The chunk fingerprints of those manifests' block components, by component name: a block chunk whose
    /// fingerprint equals the target's keeps the target's identity unhashed (see Store.Fingerprints.ChunkFingerprints).</summary>
    public IReadOnlyDictionary<string, ChunkFingerprints>? QuickCheckFingerprints { get; init; }

    /// <summary>When set, called with each component's manifest, by component name, as soon as every file is read and
    /// before the point is committed (the manifests are written as given and must not be changed): a rollback compares
    /// its safety point with its target without reading the manifests back, and starts proving the chunks it will write
    /// while the point is committed. Called on the snapshotting thread; the commit waits for it to return.</summary>
    public Action<IReadOnlyDictionary<string, Manifest>>? ContentRead { get; init; }

    /// <summary>What the same catalog commit that adds the point also records about the update in progress.</summary>
    public UpdateMark Update { get; init; }

    /// <summary>How block components are cut: fixed chunks always, except in the chunking measurement.</summary>
    internal BlockChunking BlockChunking { get; init; }
}

/// <summary>How a recovery point's commit changes the pending-update state: atomically with the point, so a crash
/// can never leave a pending update without its point, or a confirmed state without its last-known-good.</summary>
public enum UpdateMark
{
    None,
    /// <summary>The point is the PreUpdate point of an update now pending; refused if another update is pending.</summary>
    BeginPending,
    /// <summary>The point is the confirmed current state: it becomes the last-known-good and no update is pending any more.</summary>
    Confirm,
}
