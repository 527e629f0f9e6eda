using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;
using Kernel.Update.Rollback.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// A device root and a store, each on its own real file system where a fault needs one (a small ext4 on a loop device,
/// which a test can fill, remount read-only or mark immutable) or in a temporary directory; one component "app" at
/// opt/app. Unmounts and detaches everything on Dispose, also after a failure.
/// </summary>
internal sealed class FaultBed : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _mounts = [];

    public FaultBed(long liveFileSystem = 0, long storeFileSystem = 0, string storeMkfsOptions = "", string extraJson = "")
    {
        Root = liveFileSystem > 0 ? Mount(liveFileSystem, "") : _dir.CreateSubdirectory("device");
        string storeParent = storeFileSystem > 0 ? Mount(storeFileSystem, storeMkfsOptions) : _dir.Path;
        Store = Path.Combine(storeParent, "store");
        ConfigPath = _dir.Combine("rollback.json");
        File.WriteAllText(ConfigPath, $$"""
            { "root": "{{Root}}", "store": "{{Store}}", "reserveBytes": 0 {{extraJson}},
              "components": [{ "name": "app", "category": "SystemServices", "path": "opt/app" }] }
            """);
        Directory.CreateDirectory(Live(""));
    }

    private string Mount(long size, string options)
    {
        var mount = new LoopMount("ext4", size, ["-q", "-F", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        _mounts.Add(mount);
        return mount.Root;
    }

    public string Root { get; }
    public string Store { get; }
    public string ConfigPath { get; }
    public RollbackConfig Config => ConfigLoader.Load(ConfigPath);
    public string Live(string relative) => Path.Combine(Root, "opt/app", relative);
    public string Scratch(string name) => _dir.Combine(name);

    public RecoveryPointRecord Snapshot(string name) =>
        new Snapshotter(Config, NullLogger.Instance).Create(new SnapshotRequest(name, RecoveryPointReason.Manual, null));

    public IReadOnlyList<RecoveryPointRecord> Points => RecoveryStore.Open(Store).Catalog.Points;

    public VerifyReport Verify() => new StoreVerifier(Store).Verify(null);

    public void AssertStoreVerifies(string after)
    {
        var report = Verify();
        Assert.True(report.Clean, $"{after}, the store does not verify:\n{string.Join("\n", report.Problems)}");
    }

    public static void WriteRandom(string path, int seed, int length)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Remounts the file system holding <paramref name="path"/> (a mount point of this bed) read-only or read-write.</summary>
    public static void Remount(string mountPoint, bool readOnly) =>
        Sh.Run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", mountPoint);

    public void Dispose()
    {
        try
        {
            foreach (var mount in _mounts)
                mount.Dispose();
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
