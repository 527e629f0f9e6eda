using System.Buffers.Binary;

namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>
/// On-disk layout of packs and their index files. A pack is a header and a run of frames; a frame holds
/// several chunks, back to back, compressed together as one zstd frame. Compressing chunks one by one loses
/// the context between them; on the Debian minbase tree 64 KiB units store 12% more than 4 MiB ones
/// (105.8 against 94.9 MB, libzstd level 3), which is as far as one tar stream gets. Dedup stays per chunk:
/// the index finds any chunk's frame and place in it, and a chunk is read by decoding its frame.
/// <code>
/// pack:    "KURPACK2" frame*
/// frame:   "FRAM" codec u8 0 0 0 chunkCount u32le plainLength u32le storedLength u32le   (header)
///          { hash[32] plainLength u32le }{chunkCount}                                 (table)
///          data[storedLength]     the chunks' plain bytes in table order, zstd (codec 1) or raw (codec 0)
/// index:   "KURIDX02" frameCount u32le chunkCount u32le frameRecord{frameCount} chunkRecord{chunkCount} sha256[32]
/// frameRecord: offset u64le chunkCount u32le plainLength u32le storedLength u32le codec u8   (in pack order)
/// chunkRecord: hash[32] frame u32le offsetInFrame u32le plainLength u32le                   (sorted by hash)
/// </code>
/// Every byte of a pack is covered by verify: the pack header by its magic, frame headers and tables by the
/// index records that must match them and tile the pack, frame data by the hashes of the chunks it decodes to.
/// The table makes a pack self-describing, so its index can be rebuilt from it.
/// </summary>
public static class PackFormat
{
    public static ReadOnlySpan<byte> PackMagic => "KURPACK2"u8;
    public static ReadOnlySpan<byte> FrameMagic => "FRAM"u8;
    public static ReadOnlySpan<byte> IndexMagic => "KURIDX02"u8;

    public const int PackHeaderLength = 8;
    public const int FrameHeaderLength = 4 + 4 + 4 + 4 + 4;
    public const int TableEntryLength = Hash256.Size + 4;
    public const int IndexHeaderLength = 8 + 4 + 4;
    public const int FrameRecordLength = 8 + 4 + 4 + 4 + 1;
    public const int ChunkRecordLength = Hash256.Size + 4 + 4 + 4;
    public const int IndexTrailerLength = Hash256.Size;

    /// <summary>Largest plain chunk a pack may hold; bounds every buffer a reader allocates from what it reads.</summary>
    public const int MaxChunkLength = 16 << 20;

    /// <summary>Largest plain frame a reader accepts (a frame is closed once it passes its target, 4 MiB by default).</summary>
    public const int MaxFrameLength = 64 << 20;

    /// <summary>Bound on a stored frame: zstd's worst case for <see cref="MaxFrameLength"/> (n + n/256 + a little), rounded up.</summary>
    public const int MaxStoredFrameLength = MaxFrameLength + (MaxFrameLength >> 7) + 4096;

    public static int FrameHeadLength(int chunkCount) => FrameHeaderLength + chunkCount * TableEntryLength;

    /// <summary>Writes a frame's header and table (<see cref="FrameHeadLength"/> bytes).</summary>
    public static void WriteFrameHead(Span<byte> destination, ReadOnlySpan<PendingChunk> chunks, ChunkCodec codec, int plainLength, int storedLength)
    {
        FrameMagic.CopyTo(destination);
        destination[4] = (byte)codec;
        destination[5] = destination[6] = destination[7] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)chunks.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)plainLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)storedLength);
        int position = FrameHeaderLength;
        foreach (var chunk in chunks)
        {
            chunk.Hash.Write(destination[position..]);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[(position + Hash256.Size)..], (uint)chunk.Length);
            position += TableEntryLength;
        }
    }

    /// <summary>Reads a frame header; false when its magic or fields are impossible.</summary>
    public static bool TryReadFrameHeader(ReadOnlySpan<byte> source, out ChunkCodec codec, out int chunkCount, out int plainLength, out int storedLength)
    {
        codec = (ChunkCodec)source[4];
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        uint plain = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(source[16..]);
        chunkCount = (int)Math.Min(count, int.MaxValue);
        plainLength = (int)Math.Min(plain, int.MaxValue);
        storedLength = (int)Math.Min(stored, int.MaxValue);
        return source[..4].SequenceEqual(FrameMagic) && codec <= ChunkCodec.Zstd && source[5] == 0 && source[6] == 0 && source[7] == 0
            && count > 0 && count <= plain && plain <= MaxFrameLength && stored <= MaxStoredFrameLength;
    }

    public static void WriteFrameRecord(Span<byte> destination, in FrameInfo frame)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, (ulong)frame.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)frame.ChunkCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)frame.PlainLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)frame.StoredLength);
        destination[20] = (byte)frame.Codec;
    }

    public static FrameInfo ReadFrameRecord(ReadOnlySpan<byte> source) => new(
        (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(source), long.MaxValue),
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(source[8..]), int.MaxValue),
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(source[12..]), int.MaxValue),
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(source[16..]), int.MaxValue),
        (ChunkCodec)source[20]);

    public static void WriteChunkRecord(Span<byte> destination, in Hash256 hash, int frame, int offsetInFrame, int plainLength)
    {
        hash.Write(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], (uint)frame);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], (uint)offsetInFrame);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], (uint)plainLength);
    }

    public static (Hash256 Hash, uint Frame, uint OffsetInFrame, uint PlainLength) ReadChunkRecord(ReadOnlySpan<byte> source) =>
        (Hash256.Read(source),
         BinaryPrimitives.ReadUInt32LittleEndian(source[32..]),
         BinaryPrimitives.ReadUInt32LittleEndian(source[36..]),
         BinaryPrimitives.ReadUInt32LittleEndian(source[40..]));
}
