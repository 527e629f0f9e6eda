using Kernel.Update.Rollback.Store.Chunking;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Chunking;

public class StreamChunkerTests
{
    private static readonly ChunkerParameters Small = ChunkerParameters.ForAverage(4096);

    public static TheoryData<int, long, long> BufferSizesAndRanges()
    {
        var data = new TheoryData<int, long, long>();
        int max = Small.MaxSize;
        foreach (int buffer in new[] { max, max + 1, 2 * max + 777, 4 * max, 1 << 20 })
        {
            data.Add(buffer, 0, FileLength);
            data.Add(buffer, 12_345, FileLength - 54_321);
            data.Add(buffer, 4096, 4096 + max * 3 / 2);
            data.Add(buffer, 100, 100 + Small.MinSize - 1);
        }
        return data;
    }

    private const int FileLength = 3_000_017;

    private static readonly byte[] FileData = ChunkingTestData.Random(FileLength, seed: 21);

    [Theory]
    [MemberData(nameof(BufferSizesAndRanges))]
    public void StreamingGivesTheBoundariesOfTheWholeRange(int bufferSize, long start, long end)
    {
        using var file = ChunkingTestData.TemporaryFile(FileData);
        var region = FileData.AsSpan((int)start, (int)(end - start));
        var expected = ChunkingTestData.Chunk(region, Small).Select(c => c with { Offset = c.Offset + start }).ToList();

        var pool = new CountingArrayPool();
        using (var chunker = new StreamChunker(Small, bufferSize, pool))
        {
            var actual = new List<ChunkRange>();
            foreach (var chunk in chunker.Read(file, start, end))
            {
                Assert.True(chunk.Data.SequenceEqual(FileData.AsSpan((int)chunk.Offset, chunk.Length)));
                actual.Add(chunk.Range);
            }
            Assert.Equal(expected, actual);
            Assert.Equal(end - start, chunker.BytesRead);
            Assert.False(chunker.EndedEarly);
        }
        Assert.Equal(1, pool.Rented);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void OneChunkerServesManyRanges()
    {
        using var file = ChunkingTestData.TemporaryFile(FileData);
        using var chunker = new StreamChunker(Small, 2 * Small.MaxSize);
        (long Start, long End)[] extents = [(0, 100_000), (200_000, 200_000), (300_000, 1_000_000), (2_000_000, FileLength)];
        foreach (var (start, end) in extents)
        {
            var expected = ChunkingTestData.Chunk(FileData.AsSpan((int)start, (int)(end - start)), Small)
                .Select(c => c with { Offset = c.Offset + start });
            var actual = new List<ChunkRange>();
            foreach (var chunk in chunker.Read(file, start, end))
                actual.Add(chunk.Range);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void ARangePastTheEndOfTheFileEndsEarly()
    {
        using var file = ChunkingTestData.TemporaryFile(FileData.AsSpan(0, 100_000));
        using var chunker = new StreamChunker(Small);
        long total = 0;
        foreach (var chunk in chunker.Read(file, 50_000, 150_000))
            total += chunk.Length;
        Assert.Equal(50_000, total);
        Assert.Equal(50_000, chunker.BytesRead);
        Assert.True(chunker.EndedEarly);
    }

    [Fact]
    public void StreamingAllocatesNothingPerChunk()
    {
        using var file = ChunkingTestData.TemporaryFile(FileData);
        using var chunker = new StreamChunker(Small, 2 * Small.MaxSize);
        int count = CountChunks(chunker, file); // JIT first
        long before = GC.GetAllocatedBytesForCurrentThread();
        count = CountChunks(chunker, file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(count > 500);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for {count} chunks");
    }

    [Fact]
    public void InvalidUseThrows()
    {
        using var file = ChunkingTestData.TemporaryFile(FileData.AsSpan(0, 1000));
        Assert.Throws<ArgumentException>(() => new StreamChunker(Small, Small.MaxSize - 1));
        var chunker = new StreamChunker(Small);
        Assert.Throws<ArgumentOutOfRangeException>(() => chunker.Read(file, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => chunker.Read(file, 10, 9));
        chunker.Dispose();
        chunker.Dispose();
        Assert.Throws<ObjectDisposedException>(() => chunker.Read(file, 0, 10));
    }

    private static int CountChunks(StreamChunker chunker, Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        int count = 0;
        foreach (var _ in chunker.Read(file, 0, FileLength))
            count++;
        return count;
    }
}
