using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Updates;

/// <summary>
/// <c>mark-good</c> without a point: the device as it runs now is good. A BootGood recovery point of every
/// component (incremental: only what changed since the last point is read) becomes the last-known-good, and the
/// pending update, if any, ends — all in the one catalog commit that adds the point, so a power cut leaves either
/// the update pending or the device confirmed, never one without the other.
/// </summary>
public static class UpdateConfirmation
{
    public static RecoveryPointRecord Confirm(RollbackConfig config, ILogger logger, CancellationToken cancellation = default)
    {
        var pending = PendingUpdate.Find(config.Store);
        var point = new Snapshotter(config, logger).Create(
            new SnapshotRequest(pending is null ? "confirmed good" : $"confirmed good after update {pending.Id}", RecoveryPointReason.BootGood, null)
            {
                Update = UpdateMark.Confirm,
            }, cancellation);
        Log.UpdateConfirmed(logger, pending?.Id ?? "(none pending)", point.Id);
        return point;
    }
}
