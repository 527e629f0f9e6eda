using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Store.Chunking;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <see cref="StreamChunker"/> over a 64 MiB file in the page cache: chunking plus the reads and the
/// buffer compaction, i.e. what one snapshot worker costs before hashing and compression.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[ProcessedBytes(Size)]
public class StreamChunkerBenchmark
{
    public const int Size = 64 << 20;

    private string _path = "";
    private SafeFileHandle? _file;
    private StreamChunker? _chunker;

    [Params(16, 64)]
    public int AvgKiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"kur-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(_path, BenchmarkData.Random(Size, seed: 3));
        _file = File.OpenHandle(_path);
        _chunker = new StreamChunker(ChunkerParameters.ForAverage(AvgKiB << 10));
    }

    [Benchmark]
    public long Read()
    {
        long checksum = 0;
        foreach (var chunk in _chunker!.Read(_file!, 0, Size))
            checksum += chunk.Length + chunk.Data[0];
        return checksum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chunker?.Dispose();
        _file?.Dispose();
        File.Delete(_path);
    }
}
