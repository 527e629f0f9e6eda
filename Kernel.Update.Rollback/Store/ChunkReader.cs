using Kernel.Update.Rollback.Native;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store.Packs;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// Reads chunks back from packs and proves each one: the frame header must match the index, the frame must
/// decode to its recorded length, and the chunk's bytes must hash to its identity. Keeps the last decoded
/// frame, so reading a frame's chunks in turn decodes it once. One per thread (it owns a decompressor,
/// buffers and open pack handles).
/// </summary>
public sealed class ChunkReader : IChunkSource
{
    private readonly StoreLayout _layout;
    private readonly ChunkIndex _index;
    private readonly FrameDecompressor _decompressor = new();
    private readonly SafeFileHandle?[] _handles;
    // Native memory, freed on Dispose (see FrameBuilder): frames are up to 4 MiB plain. The stored bytes of a zstd frame
    // pass through _input a piece at a time; _stored holds a whole stored frame only where the library cannot stream
    // into the frame buffer (see ZstdDecompressor.TryBeginStream).
    private AlignedBuffer? _head;
    private AlignedBuffer? _input;
    private AlignedBuffer? _stored;
    private AlignedBuffer? _plain;
    private (int Pack, int Frame) _cached = (-1, -1);
    // How many plain bytes of the cached frame are decoded: all of them, or a prefix (TryLoadFramePrefix).
    private int _cachedLength;
    private string? _cachedProblem;

    public ChunkReader(StoreLayout layout, ChunkIndex index)
    {
        _layout = layout;
        _index = index;
        _handles = new SafeFileHandle?[index.Packs.Count];
    }

    /// <summary>Reads chunk <paramref name="hash"/> into <paramref name="destination"/> (exactly its plain length).</summary>
    public void Read(in Hash256 hash, Span<byte> destination)
    {
        if (!TryRead(hash, destination, out string? problem))
            throw new RollbackException(RollbackErrorKind.CorruptedData, problem!);
    }

    /// <summary>Like <see cref="Read"/> but reports damage as a sentence instead of throwing, for verify.</summary>
    public bool TryRead(in Hash256 hash, Span<byte> destination, out string? problem)
    {
        if (!_index.TryGet(hash, out var location))
        {
            problem = $"chunk {hash.ToShortString()} is missing from the store";
            return false;
        }
        // The pack's path is built only to name a problem: it is a new string each time, and this runs per chunk.
        if (location.PlainLength != destination.Length)
        {
            problem = $"chunk {hash.ToShortString()} in {PackPath(location.Pack)} is {location.PlainLength} bytes where the manifest says {destination.Length}";
            return false;
        }
        if (!TryLoadFrame(location.Pack, location.Frame, out problem))
        {
            problem = $"chunk {hash.ToShortString()}: {problem}";
            return false;
        }
        var chunk = _plain!.GetSpan().Slice(location.OffsetInFrame, location.PlainLength);
        Span<byte> digest = stackalloc byte[Hash256.Size];
        SHA256.HashData(chunk, digest);
        if (Hash256.Read(digest) != hash)
        {
            problem = $"chunk {hash.ToShortString()} in {PackPath(location.Pack)} (frame at offset {_index.FrameOf(location).Offset}) does not match its hash";
            return false;
        }
        chunk.CopyTo(destination);
        problem = null;
        return true;
    }

    /// <summary>Decodes frame <paramref name="frame"/> of pack <paramref name="pack"/> into the frame buffer,
    /// unless it is the one already there. A damaged frame's problem is remembered with it.</summary>
    public bool TryLoadFrame(int pack, int frame, out string? problem) =>
        TryLoadFramePrefix(pack, frame, _index.FramesOf(pack)[frame].PlainLength, out problem);

    /// <summary>
    /// Like <see cref="TryLoadFrame"/>, but reads and decodes only as far as <paramref name="length"/> plain bytes (a little
    /// more: to the end of a zstd block), for a caller that needs only the chunks that end there: a rollback's chunks are
    /// scattered through the frames that hold them, mostly near their starts (small files first, see FrameBuilder). On the
    /// minbase tree after a 5% update they end, frame by frame, 30 MiB into the 101 MiB of frames that hold them. Whether
    /// the rest of the frame is intact is then not known; each chunk read from it is still proven by its hash.
    /// </summary>
    public bool TryLoadFramePrefix(int pack, int frame, int length, out string? problem)
    {
        if (_cached == (pack, frame) && (_cachedProblem is not null || _cachedLength >= length))
        {
            problem = _cachedProblem;
            return problem is null;
        }
        _cached = (pack, frame);
        _cachedProblem = problem = Decode(pack, _index.FramesOf(pack)[frame], length, out _cachedLength);
        return problem is null;
    }

    /// <summary>The plain bytes of the frame last loaded by <see cref="TryLoadFrame"/> (or as much of it as
    /// <see cref="TryLoadFramePrefix"/> decoded).</summary>
    public ReadOnlySpan<byte> LoadedFrame => _cached.Pack < 0 ? [] : _plain!.GetSpan()[.._cachedLength];

    /// <summary>The header and chunk table of the frame last loaded (as read from the pack).</summary>
    public ReadOnlySpan<byte> LoadedHead => _cached.Pack < 0 ? [] : _head!.GetSpan()[.._index.FramesOf(_cached.Pack)[_cached.Frame].HeadLength];

    /// <summary>Stored bytes read at a time while a zstd frame is decoded: the decoder takes each piece whole (it keeps a
    /// partial block itself), so a reader holds this much of a stored frame rather than all of it (4 MiB for a raw one),
    /// and a prefix is read only about as far as it is decoded.</summary>
    private const int InputPiece = 256 << 10;

    private string? Decode(int packOrdinal, in FrameInfo frame, int wanted, out int decoded)
    {
        decoded = 0;
        int plainWanted = Math.Min(wanted, frame.PlainLength);
        Grow(ref _head, frame.HeadLength, minimum: 4096);
        Grow(ref _plain, frame.PlainLength, minimum: FrameBufferLength);
        var head = _head!.GetSpan()[..frame.HeadLength];
        var plain = _plain!.GetSpan()[..frame.PlainLength];
        if (ReadAt(packOrdinal, frame, head, 0) is { } headProblem)
            return headProblem;
        if (!PackFormat.TryReadFrameHeader(head, out var codec, out int count, out int plainLength, out int stored)
            || codec != frame.Codec || count != frame.ChunkCount || plainLength != frame.PlainLength || stored != frame.StoredLength)
            return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} has a damaged header";
        if (frame.Codec == ChunkCodec.Raw)
        {
            // A raw frame's stored bytes are its plain bytes: read as far as wanted straight into the frame buffer.
            if (frame.StoredLength != frame.PlainLength)
                return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} does not decode";
            if (ReadAt(packOrdinal, frame, plain[..plainWanted], frame.HeadLength) is { } rawProblem)
                return rawProblem;
            decoded = plainWanted;
            return null;
        }
        if (_decompressor.TryBeginStream(frame.Codec))
        {
            Grow(ref _input, InputPiece, minimum: InputPiece);
            for (int offset = 0; decoded == 0;)
            {
                int length = Math.Min(InputPiece, frame.StoredLength - offset);
                var piece = _input!.GetSpan()[..length];
                if (ReadAt(packOrdinal, frame, piece, frame.HeadLength + offset) is { } pieceProblem)
                    return pieceProblem;
                offset += length;
                decoded = _decompressor.ContinueStream(piece, plain, plainWanted, lastPiece: offset == frame.StoredLength);
            }
        }
        else
        {
            Grow(ref _stored, frame.StoredLength, minimum: FrameBufferLength);
            var whole = _stored!.GetSpan()[..frame.StoredLength];
            if (ReadAt(packOrdinal, frame, whole, frame.HeadLength) is { } storedProblem)
                return storedProblem;
            decoded = _decompressor.TryDecode(frame.Codec, whole, plain) ? frame.PlainLength : -1;
        }
        if (decoded < 0)
        {
            decoded = 0;
            return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} does not decode";
        }
        return null;
    }

    /// <summary>Reads <paramref name="destination"/>'s length of a frame from <paramref name="offset"/> bytes into it (its
    /// head at 0); a problem sentence when the pack is short or unreadable.</summary>
    private string? ReadAt(int packOrdinal, in FrameInfo frame, Span<byte> destination, int offset)
    {
        try
        {
            var handle = _handles[packOrdinal] ??= File.OpenHandle(PackPath(packOrdinal), FileMode.Open, FileAccess.Read, FileShare.Read);
            if (RandomAccess.Read(handle, destination, frame.Offset + offset) != destination.Length)
                return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} is cut short (pack truncated)";
            return null;
        }
        catch (IOException e)
        {
            return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} could not be read: {e.Message}";
        }
    }

    private string PackPath(int ordinal) => _layout.PackPath(_index.Packs[ordinal].Id);

    /// <summary>Room for a default 4 MiB frame and its widest chunk, so one buffer serves a whole restore.</summary>
    private const int FrameBufferLength = (4 << 20) + (256 << 10);

    private static void Grow(ref AlignedBuffer? buffer, int length, int minimum)
    {
        if (buffer is not null && buffer.Length >= length)
            return;
        ((IDisposable?)buffer)?.Dispose();
        // Only bytes just read or decoded are ever looked at, so the memory need not be cleared.
        buffer = new AlignedBuffer(Math.Max(length, minimum), 64, zero: false);
    }

    public void Dispose()
    {
        foreach (var handle in _handles)
            handle?.Dispose();
        ((IDisposable?)_head)?.Dispose();
        ((IDisposable?)_input)?.Dispose();
        ((IDisposable?)_stored)?.Dispose();
        ((IDisposable?)_plain)?.Dispose();
        _head = _input = _stored = _plain = null;
        _decompressor.Dispose();
    }
}
