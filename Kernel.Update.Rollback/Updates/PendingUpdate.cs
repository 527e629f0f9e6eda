using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Updates;

/// <summary>
/// The update that is applied but not yet confirmed: the catalog names its PreUpdate point (set in the same commit
/// that adds the point, cleared by the commit that confirms it or once it has been rolled back). While it is
/// pending, boot-check counts boots, triggers roll back to its point, and retention keeps the point.
/// </summary>
public static class PendingUpdate
{
    /// <summary>The pending update's PreUpdate point, or null (also when there is no store yet).</summary>
    public static RecoveryPointRecord? Find(string storeRoot)
    {
        var store = RecoveryStore.Open(storeRoot);
        return store.Exists && store.Catalog.PendingUpdatePointId is { } id ? store.FindPoint(id) : null;
    }

    /// <summary>Ends the pending update <paramref name="pointId"/> without confirming it (it was rolled back): one
    /// catalog commit under the store lock; nothing happens if another update is pending by now.</summary>
    public static void Abandon(string storeRoot, string pointId)
    {
        using var storeLock = StoreLock.Acquire(new StoreLayout(storeRoot));
        var store = RecoveryStore.Open(storeRoot);
        if (store.Catalog.PendingUpdatePointId != pointId)
            return;
        var next = CatalogEdit.Copy(store.Catalog);
        next.PendingUpdatePointId = null;
        store.Commit(next);
    }
}
