using System.Buffers;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Store.Chunking;

/// <summary>
/// Cuts a byte range of a file into chunks, reading it with <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>
/// in large reads into one pooled buffer. Chunks are slices of that buffer: nothing is allocated per chunk, and a
/// worker keeps one chunker for all its files.
/// </summary>
/// <remarks>
/// Sparse files are read one data extent at a time (<see cref="Read"/> per extent), so holes are never read and
/// chunks never span a hole. Boundaries equal those of <see cref="FastCdc.Chunks"/> over the range held in memory.
/// Not thread-safe.
/// </remarks>
public sealed partial class StreamChunker : IDisposable
{
    private readonly ChunkerParameters _parameters;
    private readonly ArrayPool<byte> _pool;
    private readonly int _bufferSize;
    private byte[]? _buffer;

    private SafeFileHandle? _handle;
    private long _position;     // next file offset to read
    private long _end;
    private long _bufferOffset; // file offset of _buffer[0]
    private int _filled;
    private int _consumed;
    private bool _endOfData;
    private int _chunkStart;
    private int _chunkLength;

    /// <param name="p">Chunk sizes.</param>
    /// <param name="bufferSize">Bytes read ahead; at least <see cref="ChunkerParameters.MaxSize"/>, 0 for
    /// <see cref="DefaultBufferSize"/>. Each refill moves under one maximum chunk to the buffer's front, so a
    /// buffer of several maximum chunks makes that copy cheap.</param>
    /// <param name="pool">Where the buffer comes from; <see cref="ArrayPool{T}.Shared"/> by default.</param>
    public StreamChunker(in ChunkerParameters p, int bufferSize = 0, ArrayPool<byte>? pool = null)
    {
        if (!p.IsInitialized)
            ChunkingThrowHelper.ThrowUninitializedParameters();
        if (bufferSize == 0)
            bufferSize = DefaultBufferSize(p);
        if (bufferSize < p.MaxSize)
            ChunkingThrowHelper.ThrowArgument($"The buffer ({bufferSize} bytes) must hold a maximum chunk ({p.MaxSize} bytes).", nameof(bufferSize));
        _parameters = p;
        _pool = pool ?? ArrayPool<byte>.Shared;
        _bufferSize = bufferSize;
        _buffer = _pool.Rent(bufferSize);
    }

    /// <summary>Four maximum chunks, and at least 1 MiB so that reads stay large.</summary>
    public static int DefaultBufferSize(in ChunkerParameters p) => Math.Max(4 * p.MaxSize, 1 << 20);

    public ChunkerParameters Parameters => _parameters;

    public int BufferSize => _bufferSize;

    /// <summary>Bytes read so far from the current range.</summary>
    public long BytesRead { get; private set; }

    /// <summary>True once the file ended before the range did (it shrank while being read): the chunks
    /// cover only the bytes that were there.</summary>
    public bool EndedEarly { get; private set; }

    /// <summary>
    /// Starts cutting <c>[start, end)</c> of <paramref name="handle"/>; enumerate the result with <c>foreach</c>.
    /// A chunk's bytes are valid until the next chunk is asked for. Starting another range abandons this one.
    /// </summary>
    public Enumerator Read(SafeFileHandle handle, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        if (_buffer is null)
            ChunkingThrowHelper.ThrowDisposed();
        _handle = handle;
        _position = start;
        _end = end;
        _bufferOffset = start;
        _filled = 0;
        _consumed = 0;
        _endOfData = start == end;
        _chunkStart = 0;
        _chunkLength = 0;
        BytesRead = 0;
        EndedEarly = false;
        return new Enumerator(this);
    }

    private bool MoveNext()
    {
        byte[]? buffer = _buffer;
        if (buffer is null)
            ChunkingThrowHelper.ThrowDisposed();
        if (_handle is null)
            return false;

        int available = _filled - _consumed;
        // Refill before a chunk could be cut short by the buffer's end, so NextCut never has to say "need more".
        if (!_endOfData && available < _parameters.MaxSize)
        {
            Refill(buffer);
            available = _filled;
        }
        if (available == 0)
        {
            _handle = null;
            return false;
        }

        int length = FastCdc.NextCut(buffer.AsSpan(_consumed, available), _parameters, _endOfData);
        Debug.Assert(length > 0);
        _chunkStart = _consumed;
        _chunkLength = length;
        _consumed += length;
        return true;
    }

    private void Refill(byte[] buffer)
    {
        int remaining = _filled - _consumed;
        if (_consumed > 0)
        {
            buffer.AsSpan(_consumed, remaining).CopyTo(buffer);
            _bufferOffset += _consumed;
            _filled = remaining;
            _consumed = 0;
        }
        while (_filled < _bufferSize && _position < _end)
        {
            int want = (int)Math.Min(_bufferSize - _filled, _end - _position);
#if DEBUG
            // Smaller reads in debug builds, so that every test goes round this loop.
            want = (want + 1) / 2;
#endif
            int got = RandomAccess.Read(_handle!, buffer.AsSpan(_filled, want), _position);
            if (got == 0)
            {
                EndedEarly = true;
                break;
            }
            _filled += got;
            _position += got;
            BytesRead += got;
        }
        _endOfData = EndedEarly || _position >= _end;
    }

    public void Dispose()
    {
        byte[]? buffer = _buffer;
        _buffer = null;
        _handle = null;
        if (buffer is not null)
            _pool.Return(buffer);
    }
}
