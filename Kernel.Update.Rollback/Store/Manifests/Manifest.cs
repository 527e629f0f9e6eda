namespace Kernel.Update.Rollback.Store.Manifests;

/// <summary>A component tree as captured: entries in walk order (a directory before what it holds, names in ordinal order).</summary>
public sealed class Manifest
{
    public Manifest(List<ManifestEntry> entries) => Entries = entries;

    /// <param name="byPath">every entry by path, as the decoder built it while checking the names.</param>
    internal Manifest(List<ManifestEntry> entries, Dictionary<string, ManifestEntry> byPath)
    {
        Entries = entries;
        _byPath = byPath;
    }

    public List<ManifestEntry> Entries { get; }

    private Dictionary<string, ManifestEntry>? _byPath;

    public ManifestEntry? Find(string path)
    {
        _byPath ??= BuildLookup();
        return _byPath.GetValueOrDefault(path);
    }

    private Dictionary<string, ManifestEntry> BuildLookup()
    {
        var lookup = new Dictionary<string, ManifestEntry>(Entries.Count, StringComparer.Ordinal);
        foreach (var entry in Entries)
            lookup[entry.Path] = entry;
        return lookup;
    }
}
