namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>One frame of a pack: where it starts (its header), how many chunks it holds, and its sizes.</summary>
public readonly record struct FrameInfo(long Offset, int ChunkCount, int PlainLength, int StoredLength, ChunkCodec Codec)
{
    public int HeadLength => PackFormat.FrameHeadLength(ChunkCount);

    /// <summary>Where the frame's stored data begins, past its header and table.</summary>
    public long DataOffset => Offset + HeadLength;

    /// <summary>The first byte after the frame.</summary>
    public long End => DataOffset + StoredLength;
}
