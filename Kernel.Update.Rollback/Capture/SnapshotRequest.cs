using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Capture;

/// <summary>What to snapshot: a name for people, why, and which components (null: every tree component).</summary>
public sealed record SnapshotRequest(string? Name, RecoveryPointReason Reason, IReadOnlyList<string>? Components)
{
    public SnapshotCounters Counters { get; init; } = new();
}
