using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// SHA-256 of chunks as the store computes it (<see cref="Hash256.Compute"/>, one call per chunk), over 64 MiB.
/// Issue 8: at the platform's SHA-256 speed; compare with <c>openssl speed -evp sha256 -bytes 65536</c>
/// in the same session (tools/bench/hotpaths.sh runs both).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[ProcessedBytes(Size)]
public class HashBenchmark
{
    public const int Size = 64 << 20;

    private byte[] _data = [];

    [Params(16, 64, 256)]
    public int ChunkKiB { get; set; }

    [GlobalSetup]
    public void Setup() => _data = BenchmarkData.Random(Size, seed: 5);

    [Benchmark]
    public ulong Sha256()
    {
        int chunk = ChunkKiB << 10;
        ulong mix = 0;
        for (int offset = 0; offset < _data.Length; offset += chunk)
            mix += (ulong)Hash256.Compute(_data.AsSpan(offset, chunk)).GetHashCode();
        return mix;
    }
}
