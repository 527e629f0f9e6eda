using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>The scratch of chunks validation proved: what it holds is checked again on the way out, what it lacks or
/// lost comes from the packs, and it leaves nothing behind.</summary>
public sealed class ChunkStageTests
{
    [Fact]
    public void KeptChunksComeBackProvenAndDamagedOnesComeFromThePacks()
    {
        using var bed = StoreTestBed.WithOneTree();
        var content = new byte[200_000];
        new Random(7).NextBytes(content);
        File.WriteAllBytes(bed.Live("tree/file"), content);
        var point = bed.Snapshot();
        var store = RecoveryStore.Open(bed.Store);
        var chunks = store.LoadManifest(point, point.Components[0]).Find("file")!.Chunks;
        Assert.True(chunks.Length >= 2);

        string? path;
        using (var stage = ChunkStage.Create(store.Layout, chunks.Select(c => (c.Hash, c.Length))))
        {
            using var packs = new ChunkReader(store.Layout, store.Index);
            var plain = new byte[chunks[0].Length];
            packs.Read(chunks[0].Hash, plain);
            stage.Put(chunks[0].Hash, plain);
            var back = new byte[chunks[0].Length];
            Assert.True(stage.TryRead(chunks[0].Hash, back));
            Assert.Equal(plain, back);
            Assert.False(stage.TryRead(chunks[1].Hash, new byte[chunks[1].Length])); // never put

            path = Assert.Single(Directory.GetFiles(store.Layout.Temp, "stage-*"));
            using (var file = Posix.Open(path, OpenFlags.WriteOnly)) // open(2): the stage holds .NET's flock
                RandomAccess.Write(file, new[] { (byte)(plain[10] ^ 0xFF) }, 10);
            Assert.False(stage.TryRead(chunks[0].Hash, back)); // damaged in the scratch: not trusted

            using var source = stage.Over(() => new ChunkReader(store.Layout, store.Index));
            source.Read(chunks[0].Hash, back);
            Assert.Equal(plain, back); // from the packs instead
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ItHoldsNoMoreThanItsLimit()
    {
        using var bed = StoreTestBed.WithOneTree();
        var layout = new StoreLayout(bed.Store);
        RecoveryStore.Initialize(layout);
        var many = Enumerable.Range(0, 1000).Select(i => (Hash256.Compute(BitConverter.GetBytes(i)), 64 << 10)).ToList();
        using var stage = ChunkStage.Create(layout, many);

        int kept = many.Count(c => stage.Wants(c.Item1));

        Assert.Equal((int)(ChunkStage.MaxBytes / (64 << 10)), kept);
    }
}
