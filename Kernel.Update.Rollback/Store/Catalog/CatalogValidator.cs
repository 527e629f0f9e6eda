using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Store.Catalog;

/// <summary>Checks what a catalog names before anything is opened by those names: a catalog is input too. A catalog
/// passes its checksum whenever whoever wrote it meant it to, so its JSON is checked like any other input: no list or
/// name the engine reads may be missing (null), and no component path may climb out of the device root or the
/// <c>restore --to</c> directory ("..", absolute, empty segments, NUL).</summary>
internal static class CatalogValidator
{
    public static void Check(CatalogDocument document, string path)
    {
        if (document.Points is null || document.Packs is null)
            throw Corrupt(path, "its list of recovery points or of packs is missing");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in document.Points)
        {
            if (point is null || !RecoveryPointId.IsValid(point.Id) || !ids.Add(point.Id))
                throw Corrupt(path, $"recovery point id '{point?.Id}' is invalid or repeated");
            if (point.Sequence <= 0 || point.Sequence >= document.NextSequence)
                throw Corrupt(path, $"recovery point {point.Id} has sequence {point.Sequence} outside 1..{document.NextSequence - 1}");
            if (point.Name is null || point.Components is null)
                throw Corrupt(path, $"recovery point {point.Id} has no name or no list of components");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var component in point.Components)
                CheckComponent(point, component, names, path);
        }
        var packs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pack in document.Packs)
        {
            if (pack is null || !StoreLayout.IsPackId(pack.Id) || !packs.Add(pack.Id) || pack.Length < 0 || pack.Chunks < 0 || pack.IndexSha256 is null)
                throw Corrupt(path, $"pack record '{pack?.Id}' is invalid or repeated");
        }
    }

    private static void CheckComponent(RecoveryPointRecord point, ComponentSnapshotRecord? component, HashSet<string> names, string path)
    {
        if (component is null || !ComponentName.IsValid(component.Name) || !names.Add(component.Name))
            throw Corrupt(path, $"recovery point {point.Id} has a component named '{component?.Name}', which is invalid or repeated");
        if (component.Category is null || !Hash256.TryParse(component.Manifest, out _))
            throw Corrupt(path, $"recovery point {point.Id} component {component.Name} names an invalid manifest '{component.Manifest}'");
        // The path is where a rollback and restore --to write: it must be a normalized relative path, exactly as the
        // configuration's loader makes them, so that nothing a catalog says can point a write elsewhere.
        if (!ComponentPath.TryNormalize(component.Path, out string normalized, out string? why) || normalized != component.Path)
            throw Corrupt(path, $"recovery point {point.Id} component {component.Name} has path '{component.Path?.Replace("\0", "\\0")}' that {why ?? "is not in normal form"}");
        if (component.Block is { } block && (block.Length == 0 || block.Contains('\0')))
            throw Corrupt(path, $"recovery point {point.Id} component {component.Name} names an invalid block device");
    }

    private static RollbackException Corrupt(string path, string why) =>
        new(RollbackErrorKind.CorruptedData, $"catalog {path} is damaged: {why}");
}
