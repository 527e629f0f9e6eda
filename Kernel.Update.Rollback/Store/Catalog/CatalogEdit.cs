namespace Kernel.Update.Rollback.Store.Catalog;

/// <summary>A committed catalog is never changed in place: a change is made on a copy, and the copy is committed.</summary>
public static class CatalogEdit
{
    public static CatalogDocument Copy(CatalogDocument source) => new()
    {
        Format = source.Format,
        NextSequence = source.NextSequence,
        Points = [.. source.Points],
        Packs = [.. source.Packs],
        PendingUpdatePointId = source.PendingUpdatePointId,
    };

    /// <summary>A copy of <paramref name="point"/> with its last-known-good flag set as given (records in a
    /// committed catalog are shared, so they are replaced, never changed).</summary>
    public static RecoveryPointRecord With(RecoveryPointRecord point, bool lastKnownGood) => new()
    {
        Id = point.Id,
        Sequence = point.Sequence,
        Name = point.Name,
        Reason = point.Reason,
        Created = point.Created,
        LastKnownGood = lastKnownGood,
        Protected = point.Protected,
        Components = point.Components,
    };
}
