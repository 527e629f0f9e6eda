using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// Where workers hand chunks: a chunk the store or this snapshot already holds is only referenced; a new
/// one is claimed (so two workers never store it twice), compressed by the caller and appended to a pack.
/// </summary>
/// <remarks>
/// The claims are one <see cref="ChunkClaims"/> table under a lock, sized up front from the snapshot's expected chunk
/// count (a ConcurrentDictionary allocated a node per claim, ~1.1 KB per MB at 64 KiB chunks, and more as its tables
/// grew). A claim is a few dozen nanoseconds next to the ~40 µs of hashing a 64 KiB chunk, so the workers hardly
/// ever wait on the lock.
/// </remarks>
internal sealed class ChunkSink(ChunkIndex committed, PackWriter packs, int expectedChunks = 0) : IDisposable
{
    private readonly ChunkClaims _added = new(expectedChunks);
    private readonly Lock _lock = new();

    public PackWriter Packs { get; } = packs;

    /// <summary>True when the caller must store the chunk; false when it is already stored or claimed.</summary>
    public bool Claim(in Hash256 hash)
    {
        if (committed.Contains(hash))
            return false;
        lock (_lock)
            return _added.Add(hash);
    }

    /// <summary>Frees the claims' native table under the lock: a worker still claiming (one that outlived a failed
    /// snapshot) gets ObjectDisposedException, never freed memory.</summary>
    public void Dispose()
    {
        lock (_lock)
            _added.Dispose();
    }

    /// <summary>How many chunks <paramref name="bytes"/> of file data make at most on average: one per
    /// <paramref name="averageChunk"/>, and one for any file's tail.</summary>
    public static long ExpectedChunks(long bytes, int files, int averageChunk) => bytes / Math.Max(averageChunk, 1) + files;
}
