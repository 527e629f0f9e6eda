using System.Security.Cryptography;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Packs;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Store;

/// <summary>A frame lays its chunks out smallest file first (<see cref="FrameBuilder"/>'s remarks), and every chunk
/// still reads back as it was written, whichever way the frame was stored.</summary>
public sealed class FrameLayoutTests
{
    private sealed record Written(Hash256 Hash, byte[] Data, long Key);

    private static Written Chunk(int length, long key, int seed, bool text)
    {
        var data = text
            ? System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"line {seed} of a configuration file\n", length / 30 + 1)))[..length]
            : TestFiles.RandomBytes(seed, length);
        return new Written(Hash256.Read(SHA256.HashData(data)), data, key);
    }

    private static (ChunkIndex Index, StoreLayout Layout) Write(TempDirectory directory, IReadOnlyList<Written> chunks, int target = 1 << 20)
    {
        var layout = new StoreLayout(directory.Combine("store"));
        return (TestPacks.Write(layout, chunks.Select(c => (c.Hash, c.Data, c.Key)), target), layout);
    }

    private static void AssertReadsBack(ChunkIndex index, StoreLayout layout, IEnumerable<Written> chunks)
    {
        using var reader = new ChunkReader(layout, index);
        foreach (var chunk in chunks)
        {
            var read = new byte[chunk.Data.Length];
            reader.Read(chunk.Hash, read);
            Assert.Equal(chunk.Data, read);
        }
    }

    private static List<Hash256> InFrameOrder(ChunkIndex index, IEnumerable<Written> chunks) =>
        [.. chunks.Select(c => (c.Hash, Location: index.TryGet(c.Hash, out var l) ? l : throw new InvalidOperationException("not indexed")))
            .OrderBy(c => c.Location.Frame).ThenBy(c => c.Location.OffsetInFrame).Select(c => c.Hash)];

    [Theory]
    [InlineData(true)]   // compresses: stored as zstd
    [InlineData(false)]  // random: stored raw
    public void SmallFilesComeFirstAndEqualKeysKeepTheirArrivalOrder(bool text)
    {
        using var directory = new TempDirectory();
        Written[] chunks =
        [
            Chunk(60_000, key: 3 << 20, seed: 1, text),  // first chunk of a 3 MiB file
            Chunk(100, key: 100, seed: 2, text),
            Chunk(60_000, key: 3 << 20, seed: 3, text),  // its second chunk
            Chunk(9_000, key: 9_000, seed: 4, text),
            Chunk(100, key: 100, seed: 5, text),
            Chunk(2_000, key: 2_000, seed: 6, text),
        ];
        var (index, layout) = Write(directory, chunks);

        Assert.Equal([chunks[1].Hash, chunks[4].Hash, chunks[5].Hash, chunks[3].Hash, chunks[0].Hash, chunks[2].Hash], InFrameOrder(index, chunks));
        AssertReadsBack(index, layout, chunks);
    }

    [Fact]
    public void WithoutKeysChunksStayInArrivalOrderAcrossFrames()
    {
        using var directory = new TempDirectory();
        var chunks = Enumerable.Range(0, 40).Select(i => Chunk(50_000 + i, key: 0, seed: 100 + i, text: i % 2 == 0)).ToList();
        var (index, layout) = Write(directory, chunks, target: 256 << 10);

        Assert.Equal(chunks.Select(c => c.Hash), InFrameOrder(index, chunks));
        Assert.True(chunks.Select(c => index.TryGet(c.Hash, out var l) ? l.Frame : -1).Distinct().Count() > 5, "the chunks should span several frames");
        AssertReadsBack(index, layout, chunks);
    }

    [Fact]
    public void EveryFrameIsLaidOutOnItsOwn()
    {
        using var directory = new TempDirectory();
        // Descending keys across several frames: each frame sorts its own chunks, nothing moves between frames.
        var chunks = Enumerable.Range(0, 30).Select(i => Chunk(40_000, key: 1_000_000 - i, seed: 200 + i, text: true)).ToList();
        var (index, layout) = Write(directory, chunks, target: 200_000);

        var frames = chunks.Select(c => index.TryGet(c.Hash, out var l) ? l : default).ToList();
        for (int i = 1; i < chunks.Count; i++)
        {
            Assert.True(frames[i].Frame >= frames[i - 1].Frame, "a later chunk landed in an earlier frame");
            if (frames[i].Frame == frames[i - 1].Frame)
                Assert.True(frames[i].OffsetInFrame < frames[i - 1].OffsetInFrame, "a smaller key should come first in its frame");
        }
        AssertReadsBack(index, layout, chunks);
    }
}
