using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Restore.Block;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <see cref="BlockImage.Compare"/>: a 64 MiB image file (page cache) read in 1 MiB reads and compared chunk by chunk
/// (64 KiB fixed chunks) with its snapshot's chunk list: half of it never-written zeros (recognised without hashing),
/// half data (hashed), one chunk in 64 changed since the snapshot; by SHA-256, and by the chunk fingerprints a
/// snapshot keeps (XXH3-128, see <see cref="ChunkFingerprints"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[ProcessedBytes(Size)]
public class BlockCompareBenchmark
{
    public const int Size = 64 << 20;
    public const int ChunkSize = 64 << 10;

    private Workloads? _files;
    private string _image = "";
    private ManifestEntry? _target;
    private ChunkFingerprints? _fingerprints;

    [GlobalSetup]
    public void Setup()
    {
        _files = Workloads.Create();
        _image = Path.Combine(_files.Directory, "image.img");
        byte[] data = new byte[Size];
        BenchmarkData.Random(Size / 2, seed: 13).CopyTo(data, 0);
        var chunks = new ChunkRef[Size / ChunkSize];
        var fingerprints = new UInt128[chunks.Length];
        ulong seed = ChunkFingerprints.NewSeed();
        for (int i = 0; i < chunks.Length; i++)
        {
            chunks[i] = new ChunkRef(Hash256.Compute(data.AsSpan(i * ChunkSize, ChunkSize)), ChunkSize);
            fingerprints[i] = ChunkFingerprints.Of(data.AsSpan(i * ChunkSize, ChunkSize), seed);
        }
        _fingerprints = new ChunkFingerprints(seed, fingerprints);
        for (int i = 0; i < chunks.Length; i += 64)
            data[i * ChunkSize] ^= 0xFF;
        File.WriteAllBytes(_image, data);
        _target = new ManifestEntry { Path = "image", Kind = EntryKind.Regular, Size = Size, Chunks = chunks };
    }

    [Benchmark(Baseline = true)]
    public int CompareBySha256()
    {
        using var image = BlockImage.Open("block", _image, writable: false);
        return image.Compare(_target!, fingerprints: null).Differing.Count;
    }

    [Benchmark]
    public int CompareByFingerprints()
    {
        using var image = BlockImage.Open("block", _image, writable: false);
        return image.Compare(_target!, _fingerprints).Differing.Count;
    }

    [GlobalCleanup]
    public void Cleanup() => _files?.Dispose();
}
