using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore.Subvolumes;

/// <summary>
/// The btrfs fast path's capture: a tree component whose path is a btrfs subvolume also gets a read-only btrfs
/// snapshot (BTRFS_IOC_SNAP_CREATE_V2: O(1), and durable, since the ioctl commits a transaction) at
/// <c>store/subvolumes/POINT.COMPONENT</c>, taken once the component's chunks and manifest are written and before the
/// catalog commit, so a committed point names only snapshots that exist and a crash leaves one the next writer deletes.
/// It lives in the store (the engine writes nowhere but the store and the components), so it exists only when the
/// store is on the same btrfs as the component. The chunk store stays authoritative: the snapshot is not verified by
/// <c>verify</c>, and a rollback uses it only after comparing it with the manifest (<see cref="SubvolumeSwap"/>).
/// </summary>
public static class SubvolumeSnapshots
{
    /// <summary>Takes the snapshot when <paramref name="absolutePath"/> is a subvolume on the store's btrfs; true when taken.</summary>
    public static bool TryTake(StoreLayout layout, string pointId, string component, string absolutePath, ILogger logger)
    {
        if (!Btrfs.IsSubvolume(absolutePath))
            return false;
        if (!Btrfs.IsBtrfs(layout.Root))
        {
            Log.SubvolumeSnapshotSkipped(logger, component, $"the store {layout.Root} is not on btrfs");
            return false;
        }
        if (!Directory.Exists(layout.Subvolumes))
        {
            DiskSteps.CreateDirectory(layout.Subvolumes);
            DiskSteps.FsyncDirectory(layout.Root);
        }
        string name = StoreLayout.SubvolumeName(pointId, component);
        try
        {
            DiskSteps.CreateSubvolumeSnapshot(absolutePath, layout.Subvolumes, name, readOnly: true);
        }
        catch (NativeException e) when (e.Error is Errno.EXDEV)
        {
            Log.SubvolumeSnapshotSkipped(logger, component, $"the store {layout.Root} is on another btrfs file system");
            return false;
        }
        Log.SubvolumeSnapshotTaken(logger, component, Path.Combine(layout.Subvolumes, name));
        return true;
    }
}
