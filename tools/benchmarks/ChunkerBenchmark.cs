using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Store.Chunking;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>FastCDC over 64 MiB in memory (issue 8: at least 1 GB/s per core, nothing allocated per chunk).</summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[ProcessedBytes(Size)]
public class ChunkerBenchmark
{
    public const int Size = 64 << 20;

    private byte[] _data = [];
    private ChunkerParameters _parameters;

    [Params(16, 32, 64)]
    public int AvgKiB { get; set; }

    [Params(InputKind.Random, InputKind.Text)]
    public InputKind Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchmarkData.Create(Input, Size);
        _parameters = ChunkerParameters.ForAverage(AvgKiB << 10);
    }

    /// <summary>The loop the snapshot reader runs: one <see cref="FastCdc.NextCut"/> per chunk.</summary>
    [Benchmark(Baseline = true)]
    public int NextCut()
    {
        var data = _data.AsSpan();
        int chunks = 0;
        while (!data.IsEmpty)
        {
            data = data[FastCdc.NextCut(data, _parameters, isFinal: true)..];
            chunks++;
        }
        return chunks;
    }

    [Benchmark]
    public int Enumerator()
    {
        int chunks = 0;
        foreach (var _ in FastCdc.Chunks(_data, _parameters))
            chunks++;
        return chunks;
    }
}
