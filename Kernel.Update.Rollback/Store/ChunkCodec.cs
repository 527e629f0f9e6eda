namespace Kernel.Update.Rollback.Store;

/// <summary>How a chunk's bytes are stored in a pack. The value is written to disk: never renumber.</summary>
public enum ChunkCodec : byte
{
    Raw = 0,
    Zstd = 1,
}
