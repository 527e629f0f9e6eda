using Kernel.Update.Rollback.Restore.Block;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Store.Packs;
using Kernel.Update.Rollback.Tests.Chunking;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Performance;

/// <summary>
/// Issue 8's allocation budget on each hot path that runs on the calling thread: in steady state at most 1 KB per MB
/// of data (nothing per chunk). Counted per thread, so other test classes running meanwhile do not disturb the count.
/// A failure names the path and its bytes per MB; tools/benchmarks has the same paths with timings.
/// </summary>
public sealed class HotPathAllocationTests
{
    private const int DataLength = 16 << 20;
    private static readonly ChunkerParameters Chunking = ChunkerParameters.ForAverage(64 << 10);

    /// <summary>Half text (frames that compress), half random (frames stored raw).</summary>
    private static readonly byte[] Data = [.. ChunkingTestData.Text(DataLength / 2, seed: 81), .. ChunkingTestData.Random(DataLength / 2, seed: 82)];

    private static void AssertWithinBudget(string path, long bytes, double megabytes) =>
        Assert.True(bytes / megabytes <= AllocationMeter.BytesPerMegabyte, $"{path}: {AllocationMeter.Describe(bytes, megabytes)}");

    [Fact]
    public void TheChunkerAllocatesNothingPerChunk()
    {
        int chunks = 0;
        long bytes = AllocationMeter.OnThisThread(() =>
        {
            foreach (var _ in FastCdc.Chunks(Data, Chunking))
                chunks++;
        });
        Assert.True(chunks > 100, $"only {chunks} chunks");
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void TheStreamChunkerReadsAFileWithinBudget()
    {
        using var file = ChunkingTestData.TemporaryFile(Data);
        using var chunker = new StreamChunker(Chunking);
        long total = 0;
        long bytes = AllocationMeter.OnThisThread(() =>
        {
            total = 0;
            foreach (var chunk in chunker.Read(file, 0, Data.Length))
                total += chunk.Length;
        });
        Assert.Equal(Data.Length, total);
        AssertWithinBudget("stream chunker", bytes, Data.Length / AllocationMeter.Megabyte);
    }

    [Fact]
    public void HashingAChunkAllocatesNothing()
    {
        ulong mix = 0;
        long bytes = AllocationMeter.OnThisThread(() =>
        {
            for (int offset = 0; offset < Data.Length; offset += 64 << 10)
                mix += (ulong)Hash256.Compute(Data.AsSpan(offset, 64 << 10)).GetHashCode();
        });
        Assert.NotEqual(0UL, mix);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void CompressingAndDecodingFramesAllocatesNothing()
    {
        int frame = FrameBuilder.DefaultTargetLength;
        using var compressor = new FrameCompressor(3, frame);
        using var decompressor = new FrameDecompressor();
        byte[] stored = new byte[FrameCompressor.MaxCompressedLength(frame)];
        byte[] plain = new byte[frame];
        var codecs = new List<ChunkCodec>();
        long bytes = AllocationMeter.OnThisThread(() =>
        {
            codecs.Clear();
            for (int offset = 0; offset < Data.Length; offset += frame)
            {
                var source = Data.AsSpan(offset, frame);
                var (codec, length) = compressor.Compress(source, stored);
                var kept = codec == ChunkCodec.Raw ? source : stored.AsSpan(0, length);
                Assert.True(decompressor.TryDecode(codec, kept, plain));
                codecs.Add(codec);
            }
        });
        Assert.Contains(ChunkCodec.Zstd, codecs);
        Assert.Contains(ChunkCodec.Raw, codecs);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void WritingAndReadingPacksStaysWithinBudget()
    {
        using var directory = new TempDirectory();
        var layout = new StoreLayout(directory.Combine("store"));
        RecoveryStore.Initialize(layout);
        var chunks = new List<(Hash256 Hash, int Offset, int Length)>();
        foreach (var (offset, length) in FastCdc.Chunks(Data, Chunking))
            chunks.Add((Hash256.Compute(Data.AsSpan((int)offset, length)), (int)offset, length));

        IReadOnlyList<PackInfo> packs = [];
        long written = AllocationMeter.OnThisThread(() =>
        {
            using var writer = new PackWriter(layout);
            using (var frame = new FrameBuilder(writer, compressionLevel: 3, Chunking.MaxSize))
            {
                // Keys against arrival order, so every frame is laid out anew (FrameBuilder's remarks) within the budget too.
                for (int i = 0; i < chunks.Count; i++)
                    frame.Add(chunks[i].Hash, Data.AsSpan(chunks[i].Offset, chunks[i].Length), orderKey: chunks.Count - i);
                frame.Flush();
            }
            packs = writer.Complete();
        });
        AssertWithinBudget("pack write", written, Data.Length / AllocationMeter.Megabyte);

        var index = TestPacks.Index(layout, packs);
        using var reader = new ChunkReader(layout, index);
        byte[] destination = new byte[Chunking.MaxSize];
        long read = AllocationMeter.OnThisThread(() =>
        {
            foreach (var (hash, offset, length) in chunks)
            {
                reader.Read(hash, destination.AsSpan(0, length));
                Assert.True(destination.AsSpan(0, length).SequenceEqual(Data.AsSpan(offset, length)));
            }
        });
        AssertWithinBudget("pack read", read, Data.Length / AllocationMeter.Megabyte);
    }

    [Fact]
    public void ComparingABlockImageStaysWithinBudget()
    {
        using var directory = new TempDirectory();
        string image = directory.Combine("image.img");
        const int chunkSize = 64 << 10;
        byte[] data = new byte[DataLength];
        Data.AsSpan(0, DataLength / 2).CopyTo(data); // and the rest never written: zeros
        var chunks = new ChunkRef[DataLength / chunkSize];
        var values = new UInt128[chunks.Length];
        for (int i = 0; i < chunks.Length; i++)
        {
            chunks[i] = new ChunkRef(Hash256.Compute(data.AsSpan(i * chunkSize, chunkSize)), chunkSize);
            values[i] = ChunkFingerprints.Of(data.AsSpan(i * chunkSize, chunkSize), seed: 7);
        }
        data[5 * chunkSize] ^= 1;
        File.WriteAllBytes(image, data);
        var target = new ManifestEntry { Path = "image", Kind = EntryKind.Regular, Size = DataLength, Chunks = chunks };

        foreach (var fingerprints in new[] { null, new ChunkFingerprints(7, values) })
        {
            List<int> differing = [];
            long bytes = AllocationMeter.OnThisThread(() =>
            {
                using var live = BlockImage.Open("block", image, writable: false);
                differing = live.Compare(target, fingerprints).Differing;
            });
            Assert.Equal([5], differing);
            AssertWithinBudget(fingerprints is null ? "block compare by SHA-256" : "block compare by fingerprints", bytes, DataLength / AllocationMeter.Megabyte);
        }
    }
}
