using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Chunking;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Performance;

/// <summary>
/// Issue 8's budget for a whole snapshot through the engine (walk, read, chunk, hash, claim, compress, pack, index,
/// manifest, catalog; on every core): at most 1 KB allocated per MB read, beyond one manifest entry per file. The fixed
/// cost of a snapshot (configuration, catalog, audit line) cancels out between two snapshots of the same files at two
/// sizes; what is left grows with the data, and the manifest's share of it (each entry's chunk list, the encoded
/// manifest) is measured and set apart. Counted over all threads, so the class runs alone.
/// </summary>
[Collection(SerialAllocationCollection.Name)]
public sealed class SnapshotAllocationTests(ITestOutputHelper output)
{
    private const int Files = 4;

    /// <summary>Snapshots <see cref="Files"/> files of <paramref name="fileMib"/> MiB each (text and random halves) into a
    /// fresh store; returns the bytes allocated and the bytes that are the manifest's (chunk lists and encoded file).</summary>
    private static (long Allocated, long Manifest, long Read) Snapshot(int fileMib)
    {
        using var bed = StoreTestBed.WithOneTree();
        for (int i = 0; i < Files; i++)
        {
            int half = fileMib << 19;
            File.WriteAllBytes(bed.Live($"tree/file-{i}"), [.. ChunkingTestData.Text(half, (ulong)(fileMib * 10 + i)), .. ChunkingTestData.Random(half, (ulong)(fileMib * 10 + i + 5))]);
        }
        var config = bed.Config;
        GC.Collect();
        var counters = new SnapshotCounters();
        RecoveryPointRecord? point = null;
        long allocated = AllocationMeter.InProcess(() => point = new Snapshotter(config, NullLogger.Instance)
            .Create(new SnapshotRequest(null, RecoveryPointReason.Manual, null) { Counters = counters }));

        var store = RecoveryStore.Open(bed.Store);
        var component = point!.Components[0];
        var manifest = store.LoadManifest(point, component);
        Assert.True(Hash256.TryParse(component.Manifest, out var hash));
        long manifestBytes = new FileInfo(store.Layout.ManifestPath(hash)).Length;
        foreach (var entry in manifest.Entries)
            manifestBytes += 24 + 36L * entry.Chunks.Length;
        return (allocated, manifestBytes, counters.BytesRead);
    }

    private static (long Allocated, long Manifest, long Read) Fewest((long Allocated, long Manifest, long Read) a, (long Allocated, long Manifest, long Read) b) =>
        a.Allocated <= b.Allocated ? a : b;

    [Fact]
    public void ASnapshotAllocatesAtMostOneKilobytePerMegabyteBeyondItsManifest()
    {
        // Warm-up at the large size: the JIT, JSON metadata, and the pack record lists, which grow to a full pack's
        // records once per process and are reused by every pack after. Then the fewest bytes of two runs of each size,
        // as in AllocationMeter.OnThisThread: what the snapshot allocates, it allocates every time.
        Snapshot(18);
        var small = Fewest(Snapshot(2), Snapshot(2));
        var large = Fewest(Snapshot(18), Snapshot(18));
        double megabytes = (large.Read - small.Read) / AllocationMeter.Megabyte;
        long grown = large.Allocated - small.Allocated - (large.Manifest - small.Manifest);
        Assert.True(megabytes >= 60, $"read only {megabytes:F0} MB more");
        output.WriteLine($"{large.Allocated - small.Allocated:N0} bytes more for {megabytes:F0} MB more, of which the manifest {large.Manifest - small.Manifest:N0}: "
            + AllocationMeter.Describe(grown, megabytes));
        Assert.True(grown / megabytes <= AllocationMeter.BytesPerMegabyte,
            $"snapshot: {large.Allocated - small.Allocated:N0} bytes more for {megabytes:F0} MB more, of which the manifest {large.Manifest - small.Manifest:N0}: "
            + AllocationMeter.Describe(grown, megabytes));
    }
}
