using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// A small device for crash exploration, everything the engine writes in one directory (the crash area): five tree
/// components in a dependency graph (optionally a block image), the store, the configuration and a boot id file.
/// Kept small on purpose: every crash state resets, runs and checks it whole.
/// </summary>
internal sealed class CrashBed : IDisposable
{
    public const string Trees = """
        { "name": "kernel", "category": "KernelCore", "path": "boot" },
        { "name": "drivers", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] },
        { "name": "config", "category": "Configuration", "path": "etc" },
        { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["config"] },
        { "name": "data", "category": "UserData", "path": "var/data" }
        """;

    // On tmpfs where there is one: the crash model decides what survives, so a real fsync's latency buys nothing, and
    // thousands of crash states each sync many times.
    private readonly TempDirectory _dir = new(Directory.Exists("/dev/shm") ? "/dev/shm" : null, "kur-crash-");

    public CrashBed(string components = Trees, string? extraJson = null)
    {
        Root = _dir.Path;
        Device = _dir.CreateSubdirectory("device");
        Store = _dir.Combine("store");
        ConfigPath = _dir.Combine("rollback.json");
        BootIdFile = _dir.Combine("boot_id");
        File.WriteAllText(BootIdFile, "boot-1\n");
        File.WriteAllText(ConfigPath, $$"""
            { "root": "{{Device}}", "store": "{{Store}}",
              "boot": { "maxAttempts": 2, "bootIdFile": "{{BootIdFile}}", "rebootCommand": "true" },
              {{(extraJson is null ? "" : extraJson + ",")}}
              "components": [ {{components}} ] }
            """);
    }

    /// <summary>The crash area: the device, the store and the configuration.</summary>
    public string Root { get; }
    public string Device { get; }
    public string Store { get; }
    public string ConfigPath { get; }
    public string BootIdFile { get; }

    public RollbackConfig Config => ConfigLoader.Load(ConfigPath);
    public string Live(string relative) => Path.Combine(Device, relative);
    public RollbackSystem System => new(Config, NullLogger.Instance);
    public CatalogDocument Catalog => RecoveryStore.Open(Store).Catalog;

    public void Boot(string id) => File.WriteAllText(BootIdFile, id + "\n");

    public RecoveryPointRecord Snapshot(string name, RecoveryPointReason reason = RecoveryPointReason.Manual, UpdateMark update = UpdateMark.None,
        params string[] components) =>
        new Snapshotter(Config, NullLogger.Instance).Create(new SnapshotRequest(name, reason, components.Length == 0 ? null : components) { Update = update });

    public Task RecoverAsync() => System.RecoverAsync();

    /// <summary>The whole store verifies: every listed recovery point is complete and intact.</summary>
    public void AssertStoreVerifies()
    {
        var report = new StoreVerifier(Store).Verify(null);
        Assert.True(report.Clean, "the store does not verify: " + string.Join("; ", report.Problems.Take(5)));
    }

    /// <summary>No operation is left interrupted: recover had nothing more to do.</summary>
    public void AssertNothingInterrupted() =>
        Assert.False(File.Exists(new JournalLayout(Store).Current), "an operation is still journaled as running after recover");

    public TreeFingerprint Fingerprint(string relative) => TreeFingerprint.Of(Live(relative));

    public Dictionary<string, TreeFingerprint> Fingerprints(IEnumerable<string> relatives) =>
        relatives.ToDictionary(r => r, Fingerprint);

    /// <summary>The point's components exported beside the crash area, compared with the live ones.</summary>
    public void AssertPointEqualsLive(RecoveryPointRecord point)
    {
        string export = Root + ".export";
        try
        {
            var store = RecoveryStore.Open(Store);
            new PointExporter(store, NullLogger.Instance).Export(store.GetPoint(point.Id), export, null);
            foreach (var component in point.Components)
            {
                var differences = TreeFingerprint.Of(Path.Combine(export, component.Path)).Differences(Fingerprint(component.Path));
                Assert.True(differences.Count == 0, $"point {point.Id} component {component.Name} differs from live: {string.Join("; ", differences)}");
            }
        }
        finally
        {
            if (Directory.Exists(export))
                ProcessRunner.Run("rm", "-rf", "--one-file-system", export);
        }
    }

    public void Dispose() => _dir.Dispose();
}
