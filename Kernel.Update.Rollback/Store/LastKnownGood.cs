using Kernel.Update.Rollback.Audit;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// The recovery point the device was last confirmed good at: the target of an emergency rollback and of
/// <c>rollback last-known-good</c>. One point at a time carries the flag; retention never removes it.
/// </summary>
public static class LastKnownGood
{
    /// <summary>What a caller may write instead of a point id.</summary>
    public const string Alias = "last-known-good";

    /// <summary>The flagged point (the newest, should an old catalog hold several), or null.</summary>
    public static RecoveryPointRecord? Find(CatalogDocument catalog)
    {
        RecoveryPointRecord? found = null;
        foreach (var point in catalog.Points)
            if (point.LastKnownGood && (found is null || point.Sequence > found.Sequence))
                found = point;
        return found;
    }

    /// <summary>Makes point <paramref name="idOrPrefix"/> the last-known-good, moving the flag from any other,
    /// in one catalog commit under the store lock; audited.</summary>
    public static RecoveryPointRecord Mark(string storeRoot, string idOrPrefix, string? actor, ILogger logger) =>
        AuditLog.Record(storeRoot, "mark-good", null, [], actor, logger, () =>
        {
            var layout = new StoreLayout(storeRoot);
            if (!Directory.Exists(layout.Root))
                throw new RollbackException(RollbackErrorKind.NotFound, $"store {layout.Root} does not exist; take a recovery point first");
            using var storeLock = StoreLock.Acquire(layout);
            var store = RecoveryStore.Open(storeRoot);
            var chosen = store.GetPoint(idOrPrefix);
            var next = CatalogEdit.Copy(store.Catalog);
            for (int i = 0; i < next.Points.Count; i++)
            {
                var point = next.Points[i];
                bool good = point.Id == chosen.Id;
                if (point.LastKnownGood != good)
                    next.Points[i] = CatalogEdit.With(point, lastKnownGood: good);
            }
            store.Commit(next);
            return store.GetPoint(chosen.Id);
        }, point => point.Id);
}
