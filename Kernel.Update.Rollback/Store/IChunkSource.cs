namespace Kernel.Update.Rollback.Store;

/// <summary>Where a restore takes a chunk's plain bytes from. Every source proves what it returns by the chunk's hash.
/// One per thread.</summary>
public interface IChunkSource : IDisposable
{
    /// <summary>Reads chunk <paramref name="hash"/> into <paramref name="destination"/> (exactly its plain length); throws CorruptedData when it cannot.</summary>
    void Read(in Hash256 hash, Span<byte> destination);
}
