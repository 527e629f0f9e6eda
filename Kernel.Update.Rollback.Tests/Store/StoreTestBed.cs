using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Store;

/// <summary>A device root with components, a store, and a config file, in a temporary directory.</summary>
internal sealed class StoreTestBed : IDisposable
{
    private readonly TempDirectory _dir;

    /// <param name="baseDirectory">where the bed's directory is made (a test's own file system), or null for /tmp.</param>
    public StoreTestBed(string componentsJson, string? extraJson = null, string? storeDirectory = null, string? baseDirectory = null)
    {
        _dir = new TempDirectory(baseDirectory);
        Root = _dir.CreateSubdirectory("device");
        Store = storeDirectory ?? _dir.Combine("store");
        ConfigPath = _dir.Combine("rollback.json");
        File.WriteAllText(ConfigPath, $$"""
            { "root": "{{Root}}", "store": "{{Store}}", {{(extraJson is null ? "" : extraJson + ",")}} "components": {{componentsJson}} }
            """);
    }

    public static StoreTestBed WithOneTree(string name = "tree", string path = "tree", string? extraJson = null, string? storeDirectory = null,
        string? baseDirectory = null)
    {
        var bed = new StoreTestBed($$"""[{ "name": "{{name}}", "category": "Other", "path": "{{path}}" }]""", extraJson, storeDirectory, baseDirectory);
        Directory.CreateDirectory(bed.Live(path));
        return bed;
    }

    /// <summary>A kernel, drivers that depend on it, and a configuration, each one file holding "WHAT VERSION"
    /// (see <see cref="WriteVersion"/>), written at <paramref name="version"/>.</summary>
    public static StoreTestBed WithKernelDriversAndConfig(string version = "v1")
    {
        var bed = new StoreTestBed("""
            [
              { "name": "kernel", "category": "KernelCore", "path": "boot" },
              { "name": "drivers", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] },
              { "name": "config", "category": "Configuration", "path": "etc" }
            ]
            """);
        bed.WriteVersion(version);
        return bed;
    }

    /// <summary>Writes boot/vmlinuz, lib/modules/net.ko and etc/app.conf as "kernel|driver|config VERSION\n".</summary>
    public void WriteVersion(string version)
    {
        foreach (var (path, what) in new[] { ("boot/vmlinuz", "kernel"), ("lib/modules/net.ko", "driver"), ("etc/app.conf", "config") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Live(path))!);
            File.WriteAllText(Live(path), $"{what} {version}\n");
        }
    }

    public string Root { get; }
    public string Store { get; }
    public string ConfigPath { get; }
    public string Scratch(string name) => _dir.Combine(name);

    public RollbackConfig Config => ConfigLoader.Load(ConfigPath);

    public string Live(string relative) => Path.Combine(Root, relative);

    public RecoveryPointRecord Snapshot(string? name = null, params string[] components) =>
        new Snapshotter(Config, NullLogger.Instance).Create(new SnapshotRequest(name, RecoveryPointReason.Manual, components.Length == 0 ? null : components));

    public string Export(RecoveryPointRecord point, string? into = null)
    {
        string target = into ?? _dir.Combine("export-" + point.Id);
        var store = RecoveryStore.Open(Store);
        new PointExporter(store, NullLogger.Instance).Export(store.GetPoint(point.Id), target, null);
        return target;
    }

    /// <summary>Whether the live tree of <paramref name="component"/> equals it in <paramref name="point"/> (the diff is empty).</summary>
    public bool LiveEquals(RecoveryPointRecord point, string component)
    {
        var store = RecoveryStore.Open(Store);
        var record = store.GetPoint(point.Id).Components.Single(c => c.Name == component);
        return new Kernel.Update.Rollback.Restore.Live.LiveComponents(Config, store, NullLogger.Instance).Diff(point, record).IsEmpty;
    }

    public VerifyReport Verify(string? id = null) => new StoreVerifier(Store).Verify(id);

    /// <summary>Puts every tree component of <paramref name="point"/> back in place (the engine's delta restore), so a
    /// test can run the same rollback again from the same live state.</summary>
    public void RestoreLive(RecoveryPointRecord point)
    {
        var store = RecoveryStore.Open(Store);
        var live = new Kernel.Update.Rollback.Restore.Live.LiveComponents(Config, store, NullLogger.Instance);
        foreach (var component in point.Components)
            live.Restore(point, component);
    }

    public CatalogDocument Catalog => RecoveryStore.Open(Store).Catalog;

    public long PackBytes => Directory.EnumerateFiles(Path.Combine(Store, "packs"), "*.pack").Sum(f => new FileInfo(f).Length);

    public void Dispose() => _dir.Dispose();
}
