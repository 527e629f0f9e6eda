using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// <c>rollbackctl restore ID --to DIR</c>: recreates each tree component of a recovery point at
/// DIR/&lt;component path&gt;, exactly, and each block component as an image file at DIR/&lt;its block path&gt;,
/// for inspection and tests. The live system is not touched, and an existing non-empty target is refused
/// rather than merged into.
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
            if (record.Block is not null && (File.Exists(target) || Directory.Exists(target)))
                throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {record.Name}: target {target} exists; restore --to writes a block image only where nothing is");
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {record.Name}: target {target} is not empty; restore --to needs an empty or new directory");
            if (File.Exists(target))
                throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {record.Name}: target {target} exists and is not a directory");
        }
        var done = new (string, string, int)[manifests.Count];
        var materializer = new TreeMaterializer(store, logger);
        var trees = new List<TreeMaterializer.Tree>();
        for (int i = 0; i < manifests.Count; i++)
        {
            var (record, manifest) = manifests[i];
            string target = Path.Combine(root, record.Path);
            done[i] = (record.Name, target, manifest.Entries.Count);
            if (record.Block is not null)
            {
                WriteImage(record, manifest, target);
                continue;
            }
            DiskSteps.CreateDirectory(target);
            trees.Add(materializer.CreateDirectories(record.Name, manifest, target));
        }
        // The content of every tree in one pass: the snapshot's frames mix components.
        materializer.WriteFiles(trees, cancellation);
        foreach (var tree in trees)
            materializer.Finish(tree);
        // One syncfs makes everything durable at once, instead of an fsync per file.
        using (var handle = Posix.OpenDirectory(root))
            DiskSteps.SyncFileSystem(handle);
        return done;
    }

    /// <summary>A block component's image, written as one file, chunk after chunk.</summary>
    private void WriteImage(ComponentSnapshotRecord record, Store.Manifests.Manifest manifest, string target)
    {
        var image = manifest.Find(Capture.BlockCapture.ImageName)
            ?? throw new RollbackException(RollbackErrorKind.CorruptedData, $"recovery point component {record.Name}: its manifest has no {Capture.BlockCapture.ImageName} entry");
        DiskSteps.CreateDirectory(Path.GetDirectoryName(target)!);
        using var handle = DiskSteps.CreateFile(target, FileMode.CreateNew);
        using var reader = new ChunkReader(store.Layout, store.Index);
        ContentWriter.Write(handle, image, reader);
        DiskSteps.SetLength(handle, image.Size);
        Log.BlockImageExported(logger, record.Name, target, image.Size);
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
