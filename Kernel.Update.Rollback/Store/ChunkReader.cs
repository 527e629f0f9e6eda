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
    // Native memory, freed on Dispose (see FrameBuilder): frames are up to 4 MiB plain.
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
    public ReadOnlySpan<byte> LoadedHead => _cached.Pack < 0 ? [] : _stored!.GetSpan()[.._index.FramesOf(_cached.Pack)[_cached.Frame].HeadLength];

    /// <summary>Stored bytes read ahead of a prefix's share of the frame: the decoder needs the whole zstd block (at most
    /// 128 KiB plain) that the prefix ends in; more is read, as much again each time, only when it asks.</summary>
    private const int PrefixReadMargin = 128 << 10;

    private string? Decode(int packOrdinal, in FrameInfo frame, int wanted, out int decoded)
    {
        decoded = 0;
        int length = frame.HeadLength + frame.StoredLength;
        Grow(ref _stored, length);
        Grow(ref _plain, frame.PlainLength);
        var bytes = _stored!.GetSpan()[..length];
        var plain = _plain!.GetSpan()[..frame.PlainLength];
        // For a prefix only about its share of the stored frame is read: with small files first in a frame (FrameBuilder),
        // a rollback's chunks mostly sit in the first part of each frame that holds them.
        bool rawPrefix = wanted < frame.PlainLength && frame.Codec == ChunkCodec.Raw;
        bool prefix = wanted < frame.PlainLength && _decompressor.TryBeginPrefix(frame.Codec);
        int read = rawPrefix ? frame.HeadLength + wanted
            : prefix ? (int)Math.Min(length, frame.HeadLength + (long)wanted * frame.StoredLength / frame.PlainLength + PrefixReadMargin)
            : length;
        if (ReadStored(packOrdinal, frame, bytes, 0, read) is { } readProblem)
            return readProblem;
        if (!PackFormat.TryReadFrameHeader(bytes, out var codec, out int count, out int plainLength, out int stored)
            || codec != frame.Codec || count != frame.ChunkCount || plainLength != frame.PlainLength || stored != frame.StoredLength)
            return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} has a damaged header";
        if (rawPrefix)
        {
            bytes.Slice(frame.HeadLength, wanted).CopyTo(plain);
            decoded = wanted;
        }
        else if (!prefix)
        {
            decoded = _decompressor.TryDecode(frame.Codec, bytes[frame.HeadLength..], plain) ? frame.PlainLength : -1;
        }
        else
        {
            while ((decoded = _decompressor.ContinuePrefix(bytes[frame.HeadLength..read], plain, wanted, read == length)) == 0)
            {
                int more = Math.Min(length, read + Math.Max(PrefixReadMargin, read - frame.HeadLength));
                if (ReadStored(packOrdinal, frame, bytes, read, more) is { } moreProblem)
                    return moreProblem;
                read = more;
            }
        }
        if (decoded < 0)
        {
            decoded = 0;
            return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} does not decode";
        }
        return null;
    }

    /// <summary>Reads bytes [<paramref name="from"/>, <paramref name="to"/>) of a frame (head and stored bytes) into
    /// <paramref name="bytes"/>; a problem sentence when the pack is short or unreadable.</summary>
    private string? ReadStored(int packOrdinal, in FrameInfo frame, Span<byte> bytes, int from, int to)
    {
        try
        {
            var handle = _handles[packOrdinal] ??= File.OpenHandle(PackPath(packOrdinal), FileMode.Open, FileAccess.Read, FileShare.Read);
            if (RandomAccess.Read(handle, bytes[from..to], frame.Offset + from) != to - from)
                return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} is cut short (pack truncated)";
            return null;
        }
        catch (IOException e)
        {
            return $"the frame at offset {frame.Offset} of {PackPath(packOrdinal)} could not be read: {e.Message}";
        }
    }

    private string PackPath(int ordinal) => _layout.PackPath(_index.Packs[ordinal].Id);

    private static void Grow(ref AlignedBuffer? buffer, int length)
    {
        if (buffer is not null && buffer.Length >= length)
            return;
        ((IDisposable?)buffer)?.Dispose();
        // Room for a default 4 MiB frame and its widest chunk, so one buffer serves a whole restore.
        // Only bytes just read or decoded are ever looked at, so the memory need not be cleared.
        buffer = new AlignedBuffer(Math.Max(length, (4 << 20) + (256 << 10)), 64, zero: false);
    }

    public void Dispose()
    {
        foreach (var handle in _handles)
            handle?.Dispose();
        ((IDisposable?)_stored)?.Dispose();
        ((IDisposable?)_plain)?.Dispose();
        _stored = _plain = null;
        _decompressor.Dispose();
    }
}
