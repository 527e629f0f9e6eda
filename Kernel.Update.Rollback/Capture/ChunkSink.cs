using System.Collections.Concurrent;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// Where workers hand chunks: a chunk the store or this snapshot already holds is only referenced; a new
/// one is claimed (so two workers never store it twice), compressed by the caller and appended to a pack.
/// </summary>
internal sealed class ChunkSink(ChunkIndex committed, PackWriter packs)
{
    private readonly ConcurrentDictionary<Hash256, byte> _added = new();

    public PackWriter Packs { get; } = packs;

    /// <summary>True when the caller must store the chunk; false when it is already stored or claimed.</summary>
    public bool Claim(in Hash256 hash) => !committed.Contains(hash) && _added.TryAdd(hash, 0);
}
