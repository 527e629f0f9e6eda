using System.Diagnostics;
using System.Globalization;
using Kernel.Update.Rollback.Capture;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <c>snapshot-gc [--mib N] [--dir DIR]</c>: generates N MiB (default 1024) of files under DIR (default the temp
/// directory), takes a real recovery point of them through the engine (<see cref="Snapshotter"/>, all cores, packs and
/// manifests fsynced, catalog committed), and prints what the snapshot cost the garbage collector: collections of each
/// generation, bytes allocated in all (every thread), and per MB read. Issue 8: a 1 GB snapshot causes no gen2
/// collection, and allocates at most 1 KB per MB beyond one manifest entry per file. <c>--why</c> adds the runtime's
/// allocation samples by type and the reason of each collection.
/// </summary>
internal static class SnapshotGc
{
    public static int Run(string[] args)
    {
        int mib = 1024;
        string? parent = null;
        bool why = false;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--why")
            {
                why = true;
                i--;
            }
            else if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine("usage: snapshot-gc [--mib N] [--dir DIR] [--why]");
                return 2;
            }
            else if (args[i] == "--mib")
                mib = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--dir")
                parent = args[i + 1];
            else
            {
                Console.Error.WriteLine("usage: snapshot-gc [--mib N] [--dir DIR] [--why]");
                return 2;
            }
        }

        using var files = Workloads.Create(parent);
        var (count, bytes) = Generate(files.Tree, mib);
        var counters = new SnapshotCounters();
        Console.WriteLine($"snapshot-gc: {count} files, {bytes / 1e6:F1} MB under {files.Tree}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, "
            + $"{System.Runtime.GCSettings.LatencyMode}");

        // Start from a clean heap, so no collection owed to the generation above is counted against the snapshot.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var sampler = why ? new AllocationSampler() : null;
        sampler?.Start();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var point = files.Snapshot(counters);
        stopwatch.Stop();
        sampler?.Stop();
        long spent = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        gen0 = GC.CollectionCount(0) - gen0;
        gen1 = GC.CollectionCount(1) - gen1;
        gen2 = GC.CollectionCount(2) - gen2;
        double mb = counters.BytesRead / 1e6;

        Console.WriteLine($"snapshot {point.Id}: read {mb:F1} MB in {stopwatch.Elapsed.TotalSeconds:F2} s ({mb / stopwatch.Elapsed.TotalSeconds:F0} MB/s), "
            + $"added {counters.BytesAdded / 1e6:F1} MB to the store");
        Console.WriteLine($"collections during the snapshot: gen0 {gen0}, gen1 {gen1}, gen2 {gen2}");
        Console.WriteLine($"allocated: {spent:N0} bytes in all = {spent / mb:F0} bytes per MB read, {(double)spent / count:F0} bytes per file");
        // The manifest's own share: each entry's chunk list (an array of 36-byte refs) and the encoded manifest file.
        var manifest = files.LoadManifest(point);
        long chunks = 0;
        foreach (var entry in manifest.Entries)
            chunks += entry.Chunks.Length;
        long encoded = new FileInfo(new Store.StoreLayout(files.Store).ManifestPath(Store.Hash256.TryParse(point.Components[0].Manifest, out var hash) ? hash : default)).Length;
        long lists = 24L * manifest.Entries.Count + 36 * chunks;
        Console.WriteLine($"of which the manifest: {manifest.Entries.Count} entries, {chunks} chunks: chunk lists {lists:N0} bytes, encoded {encoded:N0} bytes; "
            + $"the rest {spent - lists - encoded:N0} bytes = {(spent - lists - encoded) / mb:F0} per MB, {(double)(spent - lists - encoded) / manifest.Entries.Count:F0} per entry");
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1} MiB");
        sampler?.Print(Console.Out);
        return gen2 == 0 ? 0 : 1;
    }

    /// <summary>
    /// Writes about <paramref name="mib"/> MiB: two large files (a quarter each), 16 KiB files (two per MiB), and 4 MiB files
    /// for the rest; three in four text-like, one in four random (compressed data). Returns the files and bytes written.
    /// </summary>
    private static (int Files, long Bytes) Generate(string tree, int mib)
    {
        var sizes = new List<int>();
        long total = (long)mib << 20;
        long large = total / 4;
        sizes.Add((int)large);
        sizes.Add((int)large);
        for (int i = 0; i < mib * 2; i++)
            sizes.Add(16 << 10);
        long rest = total - 2 * large - (long)mib * 2 * (16 << 10);
        for (; rest > 0; rest -= 4 << 20)
            sizes.Add((int)Math.Min(rest, 4 << 20));

        long bytes = 0;
        for (int i = 0; i < sizes.Count; i++)
        {
            string directory = Path.Combine(tree, $"d{i / 100:D3}");
            if (i % 100 == 0)
                Directory.CreateDirectory(directory);
            var kind = i % 4 == 3 ? InputKind.Random : InputKind.Text;
            // In 4 MiB pieces, so that generating a large file does not leave a large array behind in the heap.
            using var file = File.Create(Path.Combine(directory, $"f{i:D5}.bin"));
            for (int at = 0, piece = 0; at < sizes[i]; at += 4 << 20, piece++)
                file.Write(BenchmarkData.Create(kind, Math.Min(4 << 20, sizes[i] - at), seed: ((ulong)i << 16) + (ulong)piece + 101));
            bytes += sizes[i];
        }
        return (sizes.Count, bytes);
    }
}
