using Kernel.Update.Rollback.Store.Chunking;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Chunking;

public class FastCdcTests
{
    private static readonly ChunkerParameters Small = ChunkerParameters.ForAverage(4096);
    private static readonly ChunkerParameters Default = ChunkerParameters.ForAverage(16384);

    public static TheoryData<int, int, int> Sizes => new()
    {
        { 64, 256, 1024 },
        { 1024, 4096, 16384 },
        { 4096, 16384, 65536 },
        { 2048, 8192, 8192 },      // maximum equals average
        { 8192, 8192, 131072 },    // minimum equals average
        { 16384, 65536, 262144 },
    };

    [Fact]
    public void PinnedBoundariesOfAFixedInputNeverChange()
    {
        // If this fails, the chunker would cut stored data differently and lose deduplication against
        // every existing recovery point: fix the chunker, not these numbers.
        var data = ChunkingTestData.Random(1 << 20, seed: 42);
        var lengths = ChunkingTestData.Chunk(data, Default).Select(c => c.Length).Take(PinnedLengths.Length);
        Assert.Equal(PinnedLengths, lengths);
    }

    private static readonly int[] PinnedLengths = [20435, 20677, 25430, 21657, 27343, 10760, 19456, 16425, 4278, 16972, 18560, 17819];

    [Fact]
    public void BoundariesAreDeterministic()
    {
        var first = ChunkingTestData.Chunk(ChunkingTestData.Random(4 << 20, seed: 7), Default);
        var second = ChunkingTestData.Chunk(ChunkingTestData.Random(4 << 20, seed: 7), Default);
        Assert.Equal(first, second);
        Assert.True(first.Count > 100);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EveryChunkButTheLastIsWithinMinimumAndMaximum(int min, int avg, int max)
    {
        var p = new ChunkerParameters(min, avg, max);
        foreach (var data in new[] { ChunkingTestData.Random(3_000_001, seed: 1), ChunkingTestData.Text(2_000_003, seed: 2), new byte[1_000_000] })
        {
            var chunks = ChunkingTestData.Chunk(data, p);
            for (int i = 0; i < chunks.Count - 1; i++)
                Assert.InRange(chunks[i].Length, min, max);
            Assert.InRange(chunks[^1].Length, 1, max);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ChunksConcatenateToTheInput(int min, int avg, int max)
    {
        var p = new ChunkerParameters(min, avg, max);
        var data = ChunkingTestData.Random(2_500_000, seed: 3);
        var joined = new List<byte>(data.Length);
        long expectedOffset = 0;
        foreach (var (offset, length) in ChunkingTestData.Chunk(data, p))
        {
            Assert.Equal(expectedOffset, offset);
            joined.AddRange(data.AsSpan((int)offset, length));
            expectedOffset += length;
        }
        Assert.Equal(data, joined.ToArray());
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(16384)]
    [InlineData(65536)]
    public void MeanChunkSizeIsNearTheAverage(int avg)
    {
        var p = ChunkerParameters.ForAverage(avg);
        var chunks = ChunkingTestData.Chunk(ChunkingTestData.Random(32 << 20, seed: 5), p);
        double mean = chunks.Average(c => c.Length);
        Assert.InRange(mean, 0.8 * avg, 1.4 * avg);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(100)]
    public void AnInsertionInTheMiddleChangesOnlyNearbyChunks(int inserted)
    {
        var original = ChunkingTestData.Random(16 << 20, seed: 11);
        var insertion = ChunkingTestData.Random(inserted, seed: 12);
        int at = original.Length / 2 + 12345;
        byte[] edited = [.. original.AsSpan(0, at), .. insertion, .. original.AsSpan(at)];

        var before = ChunkingTestData.Hashes(original, ChunkingTestData.Chunk(original, Default));
        var after = ChunkingTestData.Hashes(edited, ChunkingTestData.Chunk(edited, Default));
        var known = before.ToHashSet();
        int unchanged = after.Count(known.Contains);

        Assert.True(unchanged >= 0.9 * after.Count, $"{unchanged} of {after.Count} chunks unchanged");
        // In practice only the chunk holding the edit and perhaps its neighbour differ.
        Assert.InRange(after.Count - unchanged, 1, 3);
    }

    [Fact]
    public void EmptyOrShortFinalDataIsOneChunk()
    {
        Assert.Equal(0, FastCdc.NextCut([], Small, isFinal: true));
        Assert.Equal(0, FastCdc.NextCut([], Small, isFinal: false));
        var data = ChunkingTestData.Random(Small.MinSize, seed: 4);
        Assert.Equal(Small.MinSize, FastCdc.NextCut(data, Small, isFinal: true));
        Assert.Equal(0, FastCdc.NextCut(data, Small, isFinal: false));
        Assert.Equal(17, FastCdc.NextCut(data.AsSpan(0, 17), Small, isFinal: true));
    }

    [Fact]
    public void WithoutACutPointFinalDataEndsAtItsEndAndOtherDataAsksForMore()
    {
        // All zeros: the hash settles on one value, which has some of the mask's bits set, so there is no cut point.
        var zeros = new byte[Small.MaxSize * 3];
        Assert.Equal(Small.MaxSize - 1, FastCdc.NextCut(zeros.AsSpan(0, Small.MaxSize - 1), Small, isFinal: true));
        Assert.Equal(0, FastCdc.NextCut(zeros.AsSpan(0, Small.MaxSize - 1), Small, isFinal: false));
        Assert.Equal(Small.MaxSize, FastCdc.NextCut(zeros.AsSpan(0, Small.MaxSize), Small, isFinal: false));
        Assert.Equal(Small.MaxSize, FastCdc.NextCut(zeros, Small, isFinal: true));
    }

    [Fact]
    public void AnAnswerForAPrefixAgreesWithTheAnswerForTheWhole()
    {
        var data = ChunkingTestData.Random(1 << 20, seed: 9);
        int offset = 0;
        while (offset < data.Length - Small.MaxSize)
        {
            var rest = data.AsSpan(offset);
            int whole = FastCdc.NextCut(rest, Small, isFinal: false);
            for (int prefix = Small.MinSize; prefix <= Small.MaxSize; prefix += 997)
            {
                int partial = FastCdc.NextCut(rest[..prefix], Small, isFinal: false);
                Assert.True(partial == 0 ? prefix < whole : partial == whole, $"prefix {prefix}: {partial}, whole: {whole}");
            }
            offset += whole;
        }
    }

    [Fact]
    public void CuttingARegionAllocatesNothing()
    {
        var data = ChunkingTestData.Random(8 << 20, seed: 13);
        int count = CountChunks(data, Small); // JIT first
        long before = GC.GetAllocatedBytesForCurrentThread();
        count = CountChunks(data, Small);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(count > 1000);
        Assert.Equal(0, allocated);
    }

    private static int CountChunks(ReadOnlySpan<byte> data, in ChunkerParameters p)
    {
        int count = 0;
        foreach (var _ in FastCdc.Chunks(data, p))
            count++;
        return count;
    }
}
