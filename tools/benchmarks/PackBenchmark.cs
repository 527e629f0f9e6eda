using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// 64 MiB of chunks (FastCDC, 64 KiB average, hashed beforehand) through the store's real classes on a temp
/// directory: write = <see cref="FrameBuilder"/> (4 MiB frames, zstd level 3) and <see cref="PackWriter"/>
/// (32 MiB packs, data and index fsynced); read = <see cref="ChunkReader"/> (each frame read and decoded once,
/// every chunk proven by its hash).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[ProcessedBytes(Size)]
public class PackBenchmark
{
    public const int Size = 64 << 20;

    private static readonly ChunkerParameters Chunking = ChunkerParameters.ForAverage(64 << 10);

    private Workloads? _files;
    private StoreLayout? _layout;
    private byte[] _data = [];
    private readonly List<(Hash256 Hash, int Offset, int Length)> _chunks = [];
    private ChunkIndex? _index;
    private byte[] _destination = [];

    [GlobalSetup]
    public void Setup()
    {
        _files = Workloads.Create();
        _layout = new StoreLayout(_files.Store);
        RecoveryStore.Initialize(_layout);
        // Half text, half random: a frame that compresses and one that is stored raw.
        _data = [.. BenchmarkData.Text(Size / 2, seed: 11), .. BenchmarkData.Random(Size / 2, seed: 12)];
        foreach (var (offset, length) in FastCdc.Chunks(_data, Chunking))
            _chunks.Add((Hash256.Compute(_data.AsSpan((int)offset, length)), (int)offset, length));
        // The read side works on packs written once.
        var packs = WritePacks();
        var records = new List<PackRecord>();
        var indexes = new List<PackIndex>();
        foreach (var pack in packs)
        {
            records.Add(new PackRecord { Id = pack.Id, Length = pack.Length, Chunks = pack.Chunks, IndexSha256 = pack.IndexSha256 });
            indexes.Add(PackIndexFile.Read(_layout.IndexPath(pack.Id), pack.IndexSha256, pack.Length));
        }
        _index = ChunkIndex.Build(records, indexes);
        _destination = new byte[Chunking.MaxSize];
    }

    private IReadOnlyList<PackInfo> WritePacks()
    {
        using var writer = new PackWriter(_layout!);
        using (var frame = new FrameBuilder(writer, compressionLevel: 3, Chunking.MaxSize))
        {
            foreach (var (hash, offset, length) in _chunks)
                frame.Add(hash, _data.AsSpan(offset, length));
            frame.Flush();
        }
        return writer.Complete();
    }

    [Benchmark]
    public int Write()
    {
        var packs = WritePacks();
        // Not part of the measure's intent, but keeps the disk from filling: these packs are never read.
        foreach (var pack in packs)
        {
            File.Delete(_layout!.PackPath(pack.Id));
            File.Delete(_layout.IndexPath(pack.Id));
        }
        return packs.Count;
    }

    [Benchmark]
    public long Read()
    {
        long sum = 0;
        using var reader = new ChunkReader(_layout!, _index!);
        foreach (var (hash, _, length) in _chunks)
        {
            reader.Read(hash, _destination.AsSpan(0, length));
            sum += _destination[0];
        }
        return sum;
    }

    [GlobalCleanup]
    public void Cleanup() => _files?.Dispose();
}
