using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Store.Catalog;

/// <summary>Checks what a catalog names before anything is opened by those names: a catalog is input too.</summary>
internal static class CatalogValidator
{
    public static void Check(CatalogDocument document, string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in document.Points)
        {
            if (!RecoveryPointId.IsValid(point.Id) || !ids.Add(point.Id))
                throw Corrupt(path, $"recovery point id '{point.Id}' is invalid or repeated");
            if (point.Sequence <= 0 || point.Sequence >= document.NextSequence)
                throw Corrupt(path, $"recovery point {point.Id} has sequence {point.Sequence} outside 1..{document.NextSequence - 1}");
            foreach (var component in point.Components)
            {
                if (!Hash256.TryParse(component.Manifest, out _))
                    throw Corrupt(path, $"recovery point {point.Id} component {component.Name} names an invalid manifest '{component.Manifest}'");
            }
        }
        var packs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pack in document.Packs)
        {
            if (!StoreLayout.IsPackId(pack.Id) || !packs.Add(pack.Id) || pack.Length < 0 || pack.Chunks < 0)
                throw Corrupt(path, $"pack record '{pack.Id}' is invalid or repeated");
        }
    }

    private static RollbackException Corrupt(string path, string why) =>
        new(RollbackErrorKind.CorruptedData, $"catalog {path} is damaged: {why}");
}
