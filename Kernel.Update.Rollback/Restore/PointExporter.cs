using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// <c>rollbackctl restore ID --to DIR</c>: recreates each tree component of a recovery point at
/// DIR/&lt;component path&gt;, exactly, for inspection and tests. The live system is not touched, and an
/// existing non-empty target is refused rather than merged into.
/// </summary>
public sealed class PointExporter(RecoveryStore store, ILogger logger)
{
    public IReadOnlyList<(string Component, string Path, int Entries)> Export(
        RecoveryPointRecord point, string targetRoot, IReadOnlyList<string>? components, CancellationToken cancellation = default)
    {
        var selected = Select(point, components);
        string root = Path.GetFullPath(targetRoot);
        // Load and check every manifest before creating anything.
        var manifests = selected.Select(c => (Record: c, Manifest: store.LoadManifest(point, c))).ToList();
        foreach (var (record, _) in manifests)
        {
            string target = Path.Combine(root, record.Path);
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {record.Name}: target {target} is not empty; restore --to needs an empty or new directory");
            if (File.Exists(target))
                throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {record.Name}: target {target} exists and is not a directory");
        }
        var done = new List<(string, string, int)>();
        var materializer = new TreeMaterializer(store, logger);
        foreach (var (record, manifest) in manifests)
        {
            string target = Path.Combine(root, record.Path);
            Directory.CreateDirectory(target);
            materializer.Materialize(record.Name, manifest, target, cancellation);
            done.Add((record.Name, target, manifest.Entries.Count));
        }
        // One syncfs makes everything durable at once, instead of an fsync per file.
        using (var handle = Posix.OpenDirectory(root))
            Posix.SyncFs(handle);
        return done;
    }

    private static List<ComponentSnapshotRecord> Select(RecoveryPointRecord point, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
            return point.Components;
        var selected = new List<ComponentSnapshotRecord>();
        foreach (string name in names)
        {
            selected.Add(point.Components.FirstOrDefault(c => c.Name == name)
                ?? throw new RollbackException(RollbackErrorKind.NotFound,
                    $"recovery point {point.Id} has no component '{name}' (it has: {string.Join(", ", point.Components.Select(c => c.Name))})"));
        }
        return selected;
    }
}
