using Kernel.Update.Rollback.Buffers;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>
/// One worker's frame under construction: chunks are copied in until the frame passes its target size, then
/// it is compressed as one and appended to the pack. Its buffers live as long as the worker; nothing is
/// allocated per chunk.
/// </summary>
/// <remarks>
/// Chunks are laid out in the frame by their order key (the size of the file they belong to), smallest first, and in
/// the order they came among equal keys. Reading one chunk decodes the frame from its start up to that chunk, and a
/// rollback mostly needs small files (an update edits files, and most files are small): on the minbase tree after
/// the 5% update, validating the 213 files a rollback writes decoded 68 MiB of frames in arrival order and 30 MiB with
/// small files first, and the frames compressed 0.7% smaller (python over the tree's files, zstd -3 per 4 MiB frame).
/// </remarks>
public sealed class FrameBuilder : IDisposable
{
    /// <summary>4 MiB: past this, larger frames save under 1% more (minbase tree: 1 MiB 98.7 MB, 2 MiB 96.2, 4 MiB 94.9)
    /// while every single-chunk read decodes a whole frame. Measured with the window spanning the frame.</summary>
    public const int DefaultTargetLength = 4 << 20;

    // A chunk's place in the sort: its order key above, its arrival below (a frame holds fewer than 2^23 chunks:
    // at most target + one maximum chunk of bytes, and a chunk is at least one byte).
    private const int ArrivalBits = 23;
    private const long MaxOrderKey = (1L << (63 - ArrivalBits)) - 1;

    private readonly PackWriter _writer;
    private readonly FrameCompressor _compressor;
    private readonly int _target;
    // Native memory, freed on Dispose: a frame's buffers are the largest a worker holds, and on a small device
    // they must go back to the system when the worker ends, not wait in a pool or for a full GC. Both can hold a
    // compressed frame, so a frame laid out anew in one is compressed into the other.
    private AlignedBuffer _plainBuffer;
    private AlignedBuffer _storedBuffer;
    private readonly List<PendingChunk> _chunks = [];
    private readonly List<PendingChunk> _laidOut = [];
    // Native: a frame of tiny files holds tens of thousands of chunks, past the large-object threshold as arrays.
    private readonly NativeBuffer<long> _sortKeys = new(256);
    private readonly NativeBuffer<int> _offsets = new(256);
    private bool _inOrder = true;
    private int _length;

    public FrameBuilder(PackWriter writer, int compressionLevel, int maxChunkLength, int targetLength = DefaultTargetLength)
    {
        _writer = writer;
        _compressor = new FrameCompressor(compressionLevel, targetLength);
        _target = targetLength;
        int capacity = FrameCompressor.MaxCompressedLength(targetLength + maxChunkLength);
        _plainBuffer = new AlignedBuffer(capacity, 64, zero: false);
        _storedBuffer = new AlignedBuffer(capacity, 64, zero: false);
    }

    /// <summary>Plain bytes in the frame not yet written.</summary>
    public int PendingLength => _length;

    /// <summary>Adds a chunk, placed by <paramref name="orderKey"/> (see the remarks; 0 keeps the order of arrival). When
    /// that fills the frame it is written and the result says how much it took.</summary>
    public FrameWritten? Add(in Hash256 hash, ReadOnlySpan<byte> chunk, long orderKey = 0)
    {
        int index = _chunks.Count;
        long key = (Math.Clamp(orderKey, 0, MaxOrderKey) << ArrivalBits) | (uint)index;
        _inOrder &= index == 0 || key > _sortKeys.WrittenSpan[index - 1];
        _sortKeys.Add(key);
        _offsets.Add(_length);
        chunk.CopyTo(_plainBuffer.GetSpan()[_length..]);
        _length += chunk.Length;
        _chunks.Add(new PendingChunk(hash, chunk.Length));
        return _length >= _target ? Flush() : null;
    }

    /// <summary>Compresses and appends whatever the frame holds; null when it is empty.</summary>
    public FrameWritten? Flush()
    {
        if (_chunks.Count == 0)
            return null;
        var chunks = _inOrder ? _chunks : LayOut();
        var plain = _plainBuffer.GetSpan()[.._length];
        var (codec, length) = _compressor.Compress(plain, _storedBuffer.GetSpan());
        var stored = codec == ChunkCodec.Raw ? plain : _storedBuffer.GetSpan()[..length];
        int taken = _writer.AppendFrame(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunks), codec, _length, stored);
        var written = new FrameWritten(_length, taken);
        _chunks.Clear();
        _sortKeys.Clear();
        _offsets.Clear();
        _length = 0;
        _inOrder = true;
        return written;
    }

    /// <summary>Copies the chunks into the other buffer in key order, which then becomes the plain buffer.</summary>
    private List<PendingChunk> LayOut()
    {
        var keys = _sortKeys.AsSpan();
        keys.Sort();
        var offsets = _offsets.WrittenSpan;
        var from = _plainBuffer.GetSpan();
        var to = _storedBuffer.GetSpan();
        _laidOut.Clear();
        int at = 0;
        foreach (long key in keys)
        {
            int index = (int)(key & ((1 << ArrivalBits) - 1));
            var chunk = _chunks[index];
            from.Slice(offsets[index], chunk.Length).CopyTo(to[at..]);
            at += chunk.Length;
            _laidOut.Add(chunk);
        }
        (_plainBuffer, _storedBuffer) = (_storedBuffer, _plainBuffer);
        return _laidOut;
    }

    public void Dispose()
    {
        ((IDisposable)_plainBuffer).Dispose();
        ((IDisposable)_storedBuffer).Dispose();
        _sortKeys.Dispose();
        _offsets.Dispose();
        _compressor.Dispose();
    }
}

/// <summary>A frame written to a pack: its plain length and the pack bytes it took (header and table included).</summary>
public readonly record struct FrameWritten(int PlainLength, int PackBytes);
