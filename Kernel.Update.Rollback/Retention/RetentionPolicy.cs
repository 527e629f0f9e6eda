using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Retention;

/// <summary>
/// Which recovery points to drop so that at most <paramref name="MaxPerCategory"/> points hold each component
/// category and at most <paramref name="MaxTotal"/> points exist. Oldest by store sequence first (never by
/// wall clock). The last-known-good, protected and pending pre-update points are never dropped and do not
/// count against the limits: pinning old points must not make the store drop the newest ordinary ones.
/// </summary>
public sealed record RetentionPolicy(int MaxPerCategory, int MaxTotal)
{
    public List<RecoveryPointRecord> SelectForRemoval(CatalogDocument catalog)
    {
        var ordered = new List<RecoveryPointRecord>(catalog.Points);
        ordered.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        var perCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        int total = 0;
        foreach (var point in ordered)
        {
            if (IsKept(point, catalog))
                continue;
            total++;
            foreach (string category in Categories(point))
                perCategory[category] = perCategory.GetValueOrDefault(category) + 1;
        }

        var remove = new List<RecoveryPointRecord>();
        foreach (var point in ordered)
        {
            if (IsKept(point, catalog))
                continue;
            bool overCategory = false;
            foreach (string category in Categories(point))
                overCategory |= perCategory[category] > MaxPerCategory;
            if (!overCategory && total <= MaxTotal)
                continue;
            remove.Add(point);
            total--;
            foreach (string category in Categories(point))
                perCategory[category]--;
        }
        return remove;
    }

    public static bool IsKept(RecoveryPointRecord point, CatalogDocument catalog) =>
        point.LastKnownGood || point.Protected || point.Id == catalog.PendingUpdatePointId;

    private static HashSet<string> Categories(RecoveryPointRecord point)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var component in point.Components)
            set.Add(component.Category);
        return set;
    }
}
