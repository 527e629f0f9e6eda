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
}
