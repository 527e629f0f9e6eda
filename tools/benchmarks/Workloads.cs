using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// Real files for the benchmarks that go through the store: a generated tree, a device root with one tree
/// component and a store, and a snapshot of it taken through the engine's own <see cref="Snapshotter"/>.
/// </summary>
internal sealed class Workloads : IDisposable
{
    private Workloads(string directory)
    {
        Directory = directory;
        Root = Path.Combine(directory, "device");
        Tree = Path.Combine(Root, "tree");
        Store = Path.Combine(directory, "store");
        ConfigPath = Path.Combine(directory, "rollback.json");
        System.IO.Directory.CreateDirectory(Tree);
        File.WriteAllText(ConfigPath, $$"""
            { "root": "{{Root}}", "store": "{{Store}}", "components": [{ "name": "tree", "category": "Other", "path": "tree" }] }
            """);
    }

    public string Directory { get; }
    public string Root { get; }
    public string Tree { get; }
    public string Store { get; }
    public string ConfigPath { get; }

    /// <summary>A fresh directory under <paramref name="parent"/> (the system's temp directory by default).</summary>
    public static Workloads Create(string? parent = null)
    {
        if (parent is null)
            return new Workloads(System.IO.Directory.CreateTempSubdirectory("kur-bench-").FullName);
        string directory = Path.Combine(parent, "kur-bench-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new Workloads(directory);
    }

    /// <summary>
    /// <paramref name="files"/> files of <paramref name="fileBytes"/> each, <paramref name="perDirectory"/> to a directory
    /// (names like a package tree: d0042/file-0007.conf), text-like content, one in four random (compressed data).
    /// </summary>
    public void WriteTree(int files, int fileBytes, int perDirectory = 50)
    {
        for (int i = 0; i < files; i++)
        {
            string directory = Path.Combine(Tree, $"d{i / perDirectory:D4}");
            if (i % perDirectory == 0)
                System.IO.Directory.CreateDirectory(directory);
            var kind = i % 4 == 3 ? InputKind.Random : InputKind.Text;
            File.WriteAllBytes(Path.Combine(directory, $"file-{i % perDirectory:D4}.conf"), BenchmarkData.Create(kind, fileBytes, seed: (ulong)i + 1));
        }
    }

    public RollbackConfig Config => ConfigLoader.Load(ConfigPath);

    /// <summary>Takes a recovery point of the tree through the engine and returns it.</summary>
    public RecoveryPointRecord Snapshot(SnapshotCounters? counters = null) =>
        new Snapshotter(Config, NullLogger.Instance).Create(
            new SnapshotRequest("bench", RecoveryPointReason.Manual, null) { Counters = counters ?? new SnapshotCounters() });

    /// <summary>The manifest of the tree component in <paramref name="point"/>, read back from the store.</summary>
    public Manifest LoadManifest(RecoveryPointRecord point)
    {
        var store = RecoveryStore.Open(Store);
        return store.LoadManifest(point, point.Components[0]);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
