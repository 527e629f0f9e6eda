using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>
/// The order a restore writes files in: every file exactly once, and few frame decodes for a reader that keeps one
/// frame, on a real store whose frames hold files that cross frame boundaries and files that share chunks.
/// </summary>
public sealed class FrameOrderTests
{
    [Fact]
    public void EveryFileOnceAndEachFrameDecodedAboutOnce()
    {
        using var bed = StoreTestBed.WithOneTree();
        var random = new Random(11);
        for (int i = 0; i < 1200; i++)
            TestFiles.Write(bed.Live($"tree/small/{i % 7}/f{i}"), TestFiles.RandomBytes(random, random.Next(6_000, 30_000)));
        for (int i = 0; i < 12; i++)
            TestFiles.Write(bed.Live($"tree/big/b{i}"), TestFiles.RandomBytes(random, random.Next(1_500_000, 3_000_000)));
        // Translations of one program: each its own text around a block they all share, so they share its chunks.
        var shared = TestFiles.RandomBytes(random, 256 << 10);
        for (int i = 0; i < 24; i++)
            TestFiles.Write(bed.Live($"tree/locale/l{i}.mo"), [.. TestFiles.RandomBytes(random, 100_000), .. shared, .. TestFiles.RandomBytes(random, 100_000)]);
        var point = bed.Snapshot();
        var store = RecoveryStore.Open(bed.Store);
        var files = store.LoadManifest(point, point.Components[0]).Entries.Where(e => e.Kind == EntryKind.Regular).ToList();

        var batches = FrameOrder.Batches(store, null, files, static e => e, workers: 2);

        var written = batches.SelectMany(b => b.Files).Select(e => e.Path).ToList();
        Assert.Equal(files.Select(e => e.Path).Order(), written.Order());
        int frames = files.SelectMany(e => e.Chunks).Select(c => Frame(store, c)).Distinct().Count();
        int byHome = Decodes(store, [.. files.GroupBy(e => Frame(store, e.Chunks[0])).OrderBy(g => g.Key).Select(g => new ContentBatch<ManifestEntry>([.. g], []))]);
        int ordered = Decodes(store, batches);
        Assert.True(frames >= 10, $"the tree should fill several frames, not {frames}");
        Assert.Contains(batches, b => b.Detours.Length > 0);
        Assert.All(batches, b => Assert.True(b.Detours.Sum(c => (long)c.Length) <= FrameOrder.MaxDetourBytes));
        // Grouping by the frame of each file's first chunk (what restores did before) decodes shared frames over and over.
        Assert.True(byHome > frames * 2, $"grouping by home: {byHome} decodes of {frames} frames; the tree no longer tests detours");
        // Each batch may begin on a fresh reader; only the cuts between a chain's pieces and detour frames cost more.
        Assert.True(ordered <= frames + batches.Count && ordered <= frames * 3 / 2,
            $"{ordered} decodes of {frames} frames in {batches.Count} batches (by home: {byHome})");
    }

    [Fact]
    public void StagedFilesDecodeNothingAndComeLast()
    {
        using var bed = StoreTestBed.WithOneTree();
        var random = new Random(5);
        for (int i = 0; i < 30; i++)
            File.WriteAllBytes(bed.Live($"tree/f{i}"), TestFiles.RandomBytes(random, 50_000));
        File.WriteAllBytes(bed.Live("tree/empty"), []);
        var point = bed.Snapshot();
        var store = RecoveryStore.Open(bed.Store);
        var files = store.LoadManifest(point, point.Components[0]).Entries.Where(e => e.Kind == EntryKind.Regular).ToList();
        var staged = files.Where((_, i) => i % 2 == 0).SelectMany(e => e.Chunks).Select(c => (c.Hash, c.Length)).ToList();
        using var stage = ChunkStage.Create(store.Layout, staged);

        var batches = FrameOrder.Batches(store, stage, files, static e => e, workers: 2);

        Assert.Equal(files.Select(e => e.Path).Order(), batches.SelectMany(b => b.Files).Select(e => e.Path).Order());
        bool looseSeen = false;
        foreach (var batch in batches)
        {
            bool loose = batch.Files.All(e => e.Chunks.All(c => stage.Wants(c.Hash)));
            Assert.False(looseSeen && !loose, "a batch that decodes frames came after the loose ones");
            looseSeen |= loose;
            Assert.True(!loose || batch.Files.Count <= 4);
        }
        Assert.True(looseSeen);
    }

    /// <summary>Frame decodes by a reader that keeps its last frame, each batch begun on a fresh reader (the worst
    /// case: workers take batches in any order), reading the batch's detours first and then its files' other chunks.</summary>
    private static int Decodes(RecoveryStore store, List<ContentBatch<ManifestEntry>> batches)
    {
        int decodes = 0;
        foreach (var batch in batches)
        {
            long loaded = -1;
            var held = batch.Detours.Select(c => c.Hash).ToHashSet();
            foreach (var chunk in batch.Detours.Concat(batch.Files.SelectMany(e => e.Chunks.Where(c => !held.Contains(c.Hash)))))
            {
                long frame = Frame(store, chunk);
                if (frame != loaded)
                {
                    decodes++;
                    loaded = frame;
                }
            }
        }
        return decodes;
    }

    private static long Frame(RecoveryStore store, ChunkRef chunk)
    {
        Assert.True(store.Index.TryGet(chunk.Hash, out var location));
        return ((long)location.Pack << 32) | (uint)location.Frame;
    }
}
