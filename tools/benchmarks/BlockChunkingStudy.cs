using System.Diagnostics;
using System.Globalization;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <c>block-snapshot STORE BLOCK fixed|cdc</c>: one snapshot of the block device or image BLOCK into STORE through the
/// engine's own snapshot path (packs, frames, index, manifest, catalog), its block chunks cut fixed or by FastCDC
/// with the default chunk sizes; prints the seconds it took and the store's bytes after it.
/// tools/bench/block-chunking.sh runs it before and after an update of the image to compare the two.
/// </summary>
internal static class BlockChunkingStudy
{
    public static int Run(string[] args)
    {
        if (args.Length != 3 || args[2] is not ("fixed" or "cdc"))
        {
            Console.Error.WriteLine("usage: block-snapshot STORE BLOCK fixed|cdc");
            return 2;
        }
        string store = Path.GetFullPath(args[0]);
        string block = Path.GetFullPath(args[1]);
        string json = $$"""{ "root": "/", "store": "{{store}}", "components": [ { "name": "image", "category": "Other", "block": "{{block}}" } ] }""";
        var config = ConfigLoader.Parse(json, Path.Combine(store, "..", "block-study.json"));
        var request = new SnapshotRequest("block chunking study", RecoveryPointReason.Manual, null)
        {
            BlockChunking = args[2] == "cdc" ? BlockChunking.ContentDefined : BlockChunking.Fixed,
        };
        var stopwatch = Stopwatch.StartNew();
        var point = new Snapshotter(config, NullLogger.Instance).Create(request);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        long bytes = 0;
        foreach (string file in Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories))
            bytes += new FileInfo(file).Length;
        var component = point.Components[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seconds:F3} s, store {bytes} B, added {component.AddedBytes} B, manifest {new FileInfo(Path.Combine(store, "manifests", component.Manifest + ".mf")).Length} B"));
        return 0;
    }
}
