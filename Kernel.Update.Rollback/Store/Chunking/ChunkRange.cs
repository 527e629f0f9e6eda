namespace Kernel.Update.Rollback.Store.Chunking;

/// <summary>One chunk: <see cref="Length"/> bytes at <see cref="Offset"/> of the region or file it was cut from.</summary>
public readonly record struct ChunkRange(long Offset, int Length)
{
    public long End => Offset + Length;
}
