using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// One 4 MiB frame through the store's compressor (system libzstd, level 3, window spanning the frame) and back.
/// Random input is what compressed files look like: zstd runs, finds nothing, and the frame is stored raw.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[ProcessedBytes(FrameBuilder.DefaultTargetLength)]
public class CompressionBenchmark
{
    private byte[] _plain = [];
    private byte[] _stored = [];
    private byte[] _decoded = [];
    private ChunkCodec _codec;
    private int _storedLength;
    private FrameCompressor? _compressor;
    private FrameDecompressor? _decompressor;

    [Params(InputKind.Text, InputKind.Random)]
    public InputKind Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plain = BenchmarkData.Create(Input, FrameBuilder.DefaultTargetLength, seed: 7);
        _stored = new byte[FrameCompressor.MaxCompressedLength(_plain.Length)];
        _decoded = new byte[_plain.Length];
        _compressor = new FrameCompressor(level: 3, _plain.Length);
        _decompressor = new FrameDecompressor();
        (_codec, _storedLength) = _compressor.Compress(_plain, _stored);
        if (_codec == ChunkCodec.Raw)
            _plain.CopyTo(_stored, 0);
    }

    [Benchmark]
    public int Compress() => _compressor!.Compress(_plain, _stored).Length;

    [Benchmark]
    public bool Decompress() => _decompressor!.TryDecode(_codec, _stored.AsSpan(0, _storedLength), _decoded);

    [GlobalCleanup]
    public void Cleanup()
    {
        _compressor?.Dispose();
        _decompressor?.Dispose();
    }
}
