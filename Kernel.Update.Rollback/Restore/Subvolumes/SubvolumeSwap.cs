using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Chunking;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore.Subvolumes;

/// <summary>
/// The btrfs fast path's rollback: a component that is a subvolume, whose point kept a btrfs snapshot of it
/// (<see cref="SubvolumeSnapshots"/>), is restored by swapping subvolumes instead of rewriting files:
/// <list type="number">
/// <item>refused (the caller then restores from the chunk store, as everywhere else) when the snapshot is missing, the
/// live component is no subvolume, holds another subvolume or mount, or is busy (<see cref="SubvolumeUsers"/>);</item>
/// <item>a writable snapshot of the point's read-only one is made at <c>store/tmp/swap.COMPONENT</c> and compared with the
/// point's manifest like a live tree (names, kinds, sizes, mtimes, owners, modes, xattrs; content re-hashed where an mtime
/// differs): the chunk store is authoritative, so a snapshot that does not match is deleted and ignored;</item>
/// <item>renameat2 RENAME_EXCHANGE swaps it with the live component in one atomic step; the replaced subvolume, now at
/// the swap name, is deleted, and one syncfs makes it all durable before the caller journals the component restored.</item>
/// </list>
/// Killed at any instant, the live component is the old tree or the new one, never a mix; the next run (recover) deletes a
/// leftover swap subvolume and does it again, and the store's leftover collection deletes one in tmp/.
/// </summary>
public static class SubvolumeSwap
{
    public static string SwapName(string component) => "swap." + component;

    /// <summary>A swap costs about the same whatever the change (checks, a walk of the snapshot, two btrfs transactions:
    /// ~0.2 s on the minbase /usr here), a restore in place grows with it; below these a restore in place was faster
    /// (tools/bench/btrfs-rollback.sh: 304 files, 1.1 MB edited took 0.76 s in place and 1.08 s by swap).</summary>
    public const long WorthBytes = 16 << 20;

    /// <inheritdoc cref="WorthBytes"/>
    public const int WorthEntries = 2000;

    /// <summary>Whether a swap is likely faster than carrying out <paramref name="plan"/> in place; with no plan (a revert,
    /// or a run resumed after a crash) the size of the work is unknown and the swap is tried.</summary>
    public static bool IsWorthIt(LivePlan? plan)
    {
        if (plan is null)
            return true;
        long bytes = 0;
        foreach (var entry in plan.Create)
            bytes += entry.DataLength;
        return bytes >= WorthBytes || plan.Create.Count + plan.Remove.Count >= WorthEntries;
    }

    /// <summary>Restores <paramref name="record"/> of <paramref name="point"/> by a swap; false, having changed nothing live,
    /// when the fast path does not apply (logged with the reason).</summary>
    public static bool TryRestore(RollbackConfig config, RecoveryStore store, RecoveryPointRecord point, ComponentSnapshotRecord record, ILogger logger)
    {
        if (!record.Subvolume || record.Block is not null)
            return false;
        var layout = store.Layout;
        string snapshot = Path.Combine(layout.Subvolumes, StoreLayout.SubvolumeName(point.Id, record.Name));
        string live = Path.Join(config.Root, record.Path);
        string swap = SwapName(record.Name);
        string? reason = WhyNot(record, snapshot, live);
        if (reason is null)
            reason = TrySwap(config, store, point, record, snapshot, swap);
        if (reason is not null)
        {
            Log.SubvolumeSwapSkipped(logger, record.Name, reason);
            return false;
        }
        // The replaced tree, now at the swap name; nothing may be left on it (checked: not busy).
        DiskSteps.DeleteSubvolume(layout.Temp, swap);
        using (var tmp = Posix.OpenDirectory(layout.Temp))
            DiskSteps.SyncFileSystem(tmp);
        Log.SubvolumeSwapped(logger, record.Name, snapshot);
        return true;
    }

    /// <summary>Makes the writable copy, checks it and swaps it in; on any refusal before the swap, deletes the copy and says why.</summary>
    private static string? TrySwap(RollbackConfig config, RecoveryStore store, RecoveryPointRecord point, ComponentSnapshotRecord record, string snapshot, string swap)
    {
        string temp = store.Layout.Temp;
        string? reason;
        try
        {
            RemoveLeftover(temp, swap);
            DiskSteps.CreateSubvolumeSnapshot(snapshot, temp, swap, readOnly: false);
            reason = Mismatch(config, store, point, record, temp, swap);
            if (reason is null)
                Exchange(config.Root, record.Path, temp, swap);
        }
        catch (NativeException e)
        {
            reason = $"the swap was refused: {e.Message}"; // EXDEV: another mount; EBUSY: a mount point
        }
        if (reason is not null)
            RemoveLeftover(temp, swap);
        return reason;
    }

    private static string? WhyNot(ComponentSnapshotRecord record, string snapshot, string live)
    {
        if (record.Path == ComponentPath.RootItself)
            return "the component is the device root, which cannot be swapped";
        if (!Btrfs.IsSubvolume(snapshot))
            return $"its btrfs snapshot {snapshot} is missing";
        if (!Btrfs.IsSubvolume(live))
            return $"{live} is not a btrfs subvolume any more";
        ulong device = Posix.LStat(live).Device;
        return SubvolumeUsers.FindNested(live, device) ?? SubvolumeUsers.Find(live, device);
    }

    /// <summary>Null when the writable snapshot at <paramref name="temp"/>/<paramref name="swap"/> equals the point's manifest, else how it differs.</summary>
    private static string? Mismatch(RollbackConfig config, RecoveryStore store, RecoveryPointRecord point, ComponentSnapshotRecord record, string temp, string swap)
    {
        var chunking = new ChunkerParameters(config.Chunking.MinSize, config.Chunking.AvgSize, config.Chunking.MaxSize);
        using var tree = ComponentTree.Open(record.Name, temp, swap, create: false);
        var plan = new LiveTreeComparer(chunking).Compare(tree, store.LoadManifest(point, record));
        return plan.IsEmpty ? null
            : $"its btrfs snapshot differs from the recovery point's manifest in {plan.Changes.Count} places (first: {plan.Changes[0].Path}: {plan.Changes[0].Detail})";
    }

    /// <summary>Swaps the component (its parent opened beneath the device root without following symlinks) with the swap subvolume.</summary>
    private static void Exchange(string deviceRoot, string componentPath, string temp, string swap)
    {
        int slash = componentPath.LastIndexOf('/');
        string parent = slash < 0 ? ComponentPath.RootItself : componentPath[..slash];
        using var parentTree = ComponentTree.Open("parent", deviceRoot, parent, create: false)
            ?? throw new NativeException("openat2", Path.Join(deviceRoot, parent), (int)Errno.ENOENT);
        using var tmp = Posix.OpenDirectory(temp);
        DiskSteps.RenameAt(parentTree.Root, componentPath[(slash + 1)..], tmp, swap, RenameFlags.Exchange);
    }

    private static void RemoveLeftover(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        if (Btrfs.IsSubvolume(path))
            DiskSteps.DeleteSubvolume(directory, name);
        else if (Directory.Exists(path))
            DiskSteps.DeleteTree(path);
    }
}
