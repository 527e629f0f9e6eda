using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Fuzz;

/// <summary>
/// A real store written by the engine: two recovery points of a small tree with files of every kind, so seeds are
/// what the parsers really see, and the index target reads chunks from a real pack.
/// </summary>
internal sealed class SampleStore
{
    public const string StoreVariable = "ROLLBACK_FUZZ_STORE";

    /// <summary>The store <c>--seeds</c> wrote, named by $ROLLBACK_FUZZ_STORE (run.sh sets it).</summary>
    public static readonly Lazy<SampleStore> Existing = new(() =>
        new SampleStore(Environment.GetEnvironmentVariable(StoreVariable)
            ?? throw new InvalidOperationException($"set {StoreVariable} to the store that 'rollback-fuzz --seeds DIR' wrote (DIR/store)")));

    private SampleStore(string path)
    {
        Store = RecoveryStore.Open(path);
        Layout = Store.Layout;
        Pack = Store.Catalog.Packs[0];
    }

    public RecoveryStore Store { get; }
    public StoreLayout Layout { get; }
    public PackRecord Pack { get; }

    /// <summary>Writes a tree under <paramref name="directory"/>/device, snapshots it twice into
    /// <paramref name="directory"/>/store, and opens that store.</summary>
    public static SampleStore Create(string directory)
    {
        string root = Path.Combine(directory, "device");
        string store = Path.Combine(directory, "store");
        string app = Path.Combine(root, "opt/app");
        Directory.CreateDirectory(Path.Combine(app, "bin"));
        Directory.CreateDirectory(Path.Combine(app, "etc/conf.d"));
        var random = new Random(5);
        for (int i = 0; i < 6; i++)
            File.WriteAllText(Path.Combine(app, $"etc/conf.d/{i:D2}.conf"), $"key{i} = {random.Next()}\n");
        var blob = new byte[100_000];
        random.NextBytes(blob);
        File.WriteAllBytes(Path.Combine(app, "bin/tool"), blob);
        File.WriteAllText(Path.Combine(app, "readme"), string.Concat(Enumerable.Repeat("text that compresses\n", 2000)));
        File.CreateSymbolicLink(Path.Combine(app, "current"), "bin/tool");
        using (var sparse = File.OpenHandle(Path.Combine(app, "sparse"), FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(sparse, "data"u8, 1 << 20);
            RandomAccess.SetLength(sparse, 2 << 20);
        }
        string configPath = Path.Combine(directory, "rollback.json");
        File.WriteAllText(configPath, $$"""
            { "root": "{{root}}", "store": "{{store}}", "components": [{ "name": "app", "category": "Other", "path": "opt/app" }] }
            """);
        var config = ConfigLoader.Load(configPath);
        new Snapshotter(config, NullLogger.Instance).Create(new SnapshotRequest("first", RecoveryPointReason.Manual, null));
        File.AppendAllText(Path.Combine(app, "readme"), "changed\n");
        new Snapshotter(config, NullLogger.Instance).Create(new SnapshotRequest("second", RecoveryPointReason.Manual, null));
        return new SampleStore(store);
    }
}
