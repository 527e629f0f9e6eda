using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// Per-worker zstd compressor for frames (zstd contexts are not thread-safe, and creating one per frame would
/// allocate its tables every time). A frame that does not shrink by at least <see cref="MinimumSavingPercent"/>
/// is stored raw: decompressing it would cost time for no flash saved.
/// </summary>
public sealed class FrameCompressor(int level, int frameLength) : IDisposable
{
    private const int MinimumSavingPercent = 3;

    // The window spans the whole frame (4 MiB frames: 2^22), so every chunk can match any chunk before it in its frame.
    private readonly ZstdCompressor _compressor = new(level, Math.Clamp(32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(frameLength - 1, 1)), 10, 27));

    public static int MaxCompressedLength(int plainLength) => Zstd.CompressBound(plainLength);

    /// <summary>Compresses <paramref name="plain"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxCompressedLength"/> long); returns the codec chosen and the stored length.
    /// For <see cref="ChunkCodec.Raw"/> the caller stores <paramref name="plain"/> itself.</summary>
    public (ChunkCodec Codec, int Length) Compress(ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        if (plain.Length < 64)
            return (ChunkCodec.Raw, plain.Length);
        int written = _compressor.Compress(plain, destination);
        if ((long)written * 100 > (long)plain.Length * (100 - MinimumSavingPercent))
            return (ChunkCodec.Raw, plain.Length);
        return (ChunkCodec.Zstd, written);
    }

    public void Dispose() => _compressor.Dispose();
}

/// <summary>Per-reader frame decoder.</summary>
public sealed class FrameDecompressor : IDisposable
{
    private readonly ZstdDecompressor _decompressor = new();

    /// <summary>Decodes a stored frame into <paramref name="destination"/>, which must be exactly its plain length.
    /// Returns false when the stored bytes do not decode to exactly that many bytes (corruption).</summary>
    public bool TryDecode(ChunkCodec codec, ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        switch (codec)
        {
            case ChunkCodec.Raw:
                if (stored.Length != destination.Length)
                    return false;
                stored.CopyTo(destination);
                return true;
            case ChunkCodec.Zstd:
                return _decompressor.TryDecompress(stored, destination) == destination.Length;
            default:
                return false;
        }
    }

    /// <summary>Begins a zstd frame's decode fed a piece of its stored bytes at a time as they are read
    /// (<see cref="ZstdDecompressor.TryBeginStream"/>); false when the frame must be decoded whole at once.</summary>
    public bool TryBeginStream(ChunkCodec codec) => codec == ChunkCodec.Zstd && _decompressor.TryBeginStream();

    /// <inheritdoc cref="ZstdDecompressor.ContinueStream"/>
    public int ContinueStream(ReadOnlySpan<byte> piece, Span<byte> destination, int wanted, bool lastPiece) =>
        _decompressor.ContinueStream(piece, destination, wanted, lastPiece);

    public void Dispose() => _decompressor.Dispose();
}
