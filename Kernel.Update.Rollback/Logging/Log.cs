using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback;

/// <summary>
/// Every log line the engine writes, source-generated (no boxing, no formatting when the level is off).
/// Event id ledger: 1xx store, 2xx capture, 3xx restore, 4xx verify, 5xx retention, 6xx operations and journal (Log.Operations.cs),
/// 7xx health (Log.Health.cs), 8xx the control API (Log.Api.cs), 9xx triggers, boot protection and updates (Log.Triggers.cs).
/// Highest used: in 1xx, 101; in 2xx, 207; in 3xx, 307; in 5xx, 502; in 6xx, 610; in 7xx, 704; in 8xx, 812; in 9xx, 911.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Collected {Count} leftover files of an interrupted writer in {Store}")]
    public static partial void LeftoversCollected(ILogger logger, int count, string store);

    [LoggerMessage(201, LogLevel.Warning, "Component {Component}: skipped socket {Path} (sockets cannot be restored)")]
    public static partial void SkippedSocket(ILogger logger, string component, string path);

    [LoggerMessage(202, LogLevel.Warning, "Component {Component}: {Path} is another file system's mount point; its contents are not part of the snapshot")]
    public static partial void MountPointNotCrossed(ILogger logger, string component, string path);

    [LoggerMessage(204, LogLevel.Warning, "Component {Component}: previous manifest is unusable, reading every file: {Reason}")]
    public static partial void PreviousManifestUnusable(ILogger logger, string component, string reason);

    [LoggerMessage(205, LogLevel.Information, "Recovery point {Id} committed: {Components} components, {Bytes} bytes added to packs")]
    public static partial void SnapshotCommitted(ILogger logger, string id, int components, long bytes);

    [LoggerMessage(206, LogLevel.Information, "Component {Component}: read-only btrfs snapshot {Path} taken with the recovery point")]
    public static partial void SubvolumeSnapshotTaken(ILogger logger, string component, string path);

    [LoggerMessage(207, LogLevel.Information, "Component {Component} is a btrfs subvolume but gets no btrfs snapshot: {Reason}")]
    public static partial void SubvolumeSnapshotSkipped(ILogger logger, string component, string reason);

    [LoggerMessage(301, LogLevel.Information, "Restored component {Component} to {Path}: {Entries} entries")]
    public static partial void ComponentRestored(ILogger logger, string component, string path, int entries);

    [LoggerMessage(302, LogLevel.Information, "Component {Component} restored in place: {Removed} removed, {Created} written, {Fixed} metadata fixed")]
    public static partial void LiveComponentRestored(ILogger logger, string component, int removed, int created, int @fixed);

    [LoggerMessage(303, LogLevel.Information, "Restored block component {Component} as image {Path}: {Bytes} bytes")]
    public static partial void BlockImageExported(ILogger logger, string component, string path, long bytes);

    [LoggerMessage(304, LogLevel.Information, "Block component {Component} restored in place: {Written} of {Chunks} chunks written, flushed and read back")]
    public static partial void LiveBlockRestored(ILogger logger, string component, int written, int chunks);

    [LoggerMessage(305, LogLevel.Information, "Component {Component}: {Count} files cloned (reflinks) from live files holding the same content")]
    public static partial void FilesCloned(ILogger logger, string component, int count);

    [LoggerMessage(306, LogLevel.Information, "Component {Component} restored by swapping in btrfs snapshot {Snapshot} (the replaced subvolume deleted)")]
    public static partial void SubvolumeSwapped(ILogger logger, string component, string snapshot);

    [LoggerMessage(307, LogLevel.Information, "Component {Component}: btrfs snapshot not swapped in ({Reason}); restoring from the chunk store")]
    public static partial void SubvolumeSwapSkipped(ILogger logger, string component, string reason);

    [LoggerMessage(401, LogLevel.Warning, "Audit log {Path} could not be written: {Reason}")]
    public static partial void AuditNotWritten(ILogger logger, string path, string reason);

    [LoggerMessage(501, LogLevel.Information, "Pruned recovery point {Id} (sequence {Sequence})")]
    public static partial void PointPruned(ILogger logger, string id, long sequence);

    [LoggerMessage(502, LogLevel.Information, "Reclaimed {Bytes} bytes: {PacksRemoved} packs removed, {PacksRewritten} repacked")]
    public static partial void SpaceReclaimed(ILogger logger, long bytes, int packsRemoved, int packsRewritten);
}
