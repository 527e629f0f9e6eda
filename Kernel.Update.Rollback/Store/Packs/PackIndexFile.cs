using System.Buffers.Binary;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Buffers;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>What one pack index says: the pack's frames in pack order and its chunks sorted by hash.</summary>
public sealed record PackIndex(FrameInfo[] Frames, IndexedChunk[] Chunks);

/// <summary>
/// The index of one pack, with a SHA-256 trailer. Loading every index finds any chunk without reading a pack;
/// the catalog also records each index file's digest.
/// </summary>
public static class PackIndexFile
{
    /// <summary>Writes the index durably (data fsynced; the directory entry is fsynced with the packs directory). Returns its SHA-256 in hex.</summary>
    public static string Write(string path, List<FrameInfo> frames, List<IndexedChunk> chunks)
    {
        chunks.Sort(static (x, y) => x.Hash.CompareTo(y.Hash));
        int length = PackFormat.IndexHeaderLength + frames.Count * PackFormat.FrameRecordLength
            + chunks.Count * PackFormat.ChunkRecordLength + PackFormat.IndexTrailerLength;
        // Native, freed at once: an index is ~44 bytes a chunk (tens of KB a pack), written once and never looked at
        // again. Not a pooled array: this runs on a snapshot's worker threads, whose thread-local pool caches die with
        // them, so each pack would allocate a fresh one.
        using var memory = new NativeBuffer<byte>(length);
        Span<byte> buffer = memory.GetSpan(length)[..length];
        PackFormat.IndexMagic.CopyTo(buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], (uint)frames.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[12..], (uint)chunks.Count);
        int position = PackFormat.IndexHeaderLength;
        foreach (var frame in frames)
        {
            PackFormat.WriteFrameRecord(buffer[position..], frame);
            position += PackFormat.FrameRecordLength;
        }
        foreach (var chunk in chunks)
        {
            PackFormat.WriteChunkRecord(buffer[position..], chunk.Hash, chunk.Frame, chunk.OffsetInFrame, chunk.PlainLength);
            position += PackFormat.ChunkRecordLength;
        }
        SHA256.HashData(buffer[..position], buffer[position..]);
        DurableFile.WriteNew(path, buffer);
        Span<byte> digest = stackalloc byte[Hash256.Size];
        SHA256.HashData(buffer, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Reads and checks an index file against the catalog's digest and the pack's length. Any damage
    /// is <see cref="RollbackErrorKind.CorruptedData"/> naming the file.</summary>
    public static PackIndex Read(string path, string expectedSha256, long packLength)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack index {path} is missing");
        }
        catch (IOException e)
        {
            // The medium cannot give it back (EIO): its data is lost as surely as if a byte had flipped.
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack index {path} cannot be read: {e.Message}", e);
        }
        return Parse(path, bytes, expectedSha256, packLength);
    }

    /// <summary>Checks and decodes the bytes of index file <paramref name="path"/> (named in errors).</summary>
    internal static PackIndex Parse(string path, byte[] bytes, string expectedSha256, long packLength)
    {
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
            throw Corrupt(path, "its SHA-256 does not match the catalog");
        if (bytes.Length < PackFormat.IndexHeaderLength + PackFormat.IndexTrailerLength || !bytes.AsSpan(0, 8).SequenceEqual(PackFormat.IndexMagic))
            throw Corrupt(path, "bad header");
        uint frameCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        uint chunkCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        long expectedLength = PackFormat.IndexHeaderLength + (long)frameCount * PackFormat.FrameRecordLength
            + (long)chunkCount * PackFormat.ChunkRecordLength + PackFormat.IndexTrailerLength;
        if (expectedLength != bytes.Length)
            throw Corrupt(path, $"it holds {bytes.Length} bytes where {frameCount} frames and {chunkCount} chunks need {expectedLength}");
        int body = bytes.Length - PackFormat.IndexTrailerLength;
        Span<byte> digest = stackalloc byte[Hash256.Size];
        SHA256.HashData(bytes.AsSpan(0, body), digest);
        if (!digest.SequenceEqual(bytes.AsSpan(body)))
            throw Corrupt(path, "its trailer checksum does not match");

        var frames = new FrameInfo[frameCount];
        int position = PackFormat.IndexHeaderLength;
        for (int i = 0; i < frames.Length; i++, position += PackFormat.FrameRecordLength)
        {
            var frame = PackFormat.ReadFrameRecord(bytes.AsSpan(position));
            // A frame holds at least one byte per chunk (as its header must say): this also bounds its table's length.
            if (frame.Offset < PackFormat.PackHeaderLength || frame.ChunkCount <= 0 || frame.ChunkCount > frame.PlainLength || frame.ChunkCount > chunkCount
                || frame.PlainLength > PackFormat.MaxFrameLength
                || frame.StoredLength > PackFormat.MaxStoredFrameLength || frame.Codec > ChunkCodec.Zstd || frame.Offset > packLength || frame.End > packLength
                || (i > 0 && frame.Offset < frames[i - 1].End))
                throw Corrupt(path, $"frame record {i} points outside its pack or overlaps another");
            frames[i] = frame;
        }
        var chunks = new IndexedChunk[chunkCount];
        for (int i = 0; i < chunks.Length; i++, position += PackFormat.ChunkRecordLength)
        {
            var (hash, frame, offset, plain) = PackFormat.ReadChunkRecord(bytes.AsSpan(position));
            if (frame >= frameCount || plain == 0 || plain > PackFormat.MaxChunkLength || (long)offset + plain > frames[frame].PlainLength)
                throw Corrupt(path, $"record for chunk {hash.ToShortString()} points outside its frame");
            chunks[i] = new IndexedChunk(hash, (int)frame, (int)offset, (int)plain);
        }
        return new PackIndex(frames, chunks);
    }

    private static RollbackException Corrupt(string path, string why) =>
        new(RollbackErrorKind.CorruptedData, $"pack index {path} is damaged: {why}");
}
