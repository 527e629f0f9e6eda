using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Store;

/// <summary>Every committed chunk and where it lives, loaded from the pack index files the catalog names.</summary>
public sealed class ChunkIndex
{
    private readonly Dictionary<Hash256, ChunkLocation> _locations;
    private readonly FrameInfo[][] _frames;

    private ChunkIndex(IReadOnlyList<PackRecord> packs, FrameInfo[][] frames, Dictionary<Hash256, ChunkLocation> locations)
    {
        Packs = packs;
        _frames = frames;
        _locations = locations;
    }

    public IReadOnlyList<PackRecord> Packs { get; }

    public int Count => _locations.Count;

    public bool Contains(in Hash256 hash) => _locations.ContainsKey(hash);

    public bool TryGet(in Hash256 hash, out ChunkLocation location) => _locations.TryGetValue(hash, out location);

    public IEnumerable<KeyValuePair<Hash256, ChunkLocation>> All => _locations;

    /// <summary>The frames of pack <paramref name="pack"/> (its ordinal in <see cref="Packs"/>), in pack order.</summary>
    public ReadOnlySpan<FrameInfo> FramesOf(int pack) => _frames[pack];

    public FrameInfo FrameOf(in ChunkLocation location) => _frames[location.Pack][location.Frame];

    public static ChunkIndex Load(StoreLayout layout, IReadOnlyList<PackRecord> packs)
    {
        var indexes = new PackIndex[packs.Count];
        for (int ordinal = 0; ordinal < packs.Count; ordinal++)
            indexes[ordinal] = PackIndexFile.Read(layout.IndexPath(packs[ordinal].Id), packs[ordinal].IndexSha256, packs[ordinal].Length);
        return Build(packs, indexes);
    }

    /// <summary>Builds the lookup from pack indexes already read and checked, <paramref name="indexes"/>[i] being <paramref name="packs"/>[i]'s.</summary>
    /// <param name="only">just these chunks, or null for all: a rollback's validation proves a few hundred of a store's
    /// many thousands, and a table of them all is a large-object allocation that can cost a full collection.</param>
    public static ChunkIndex Build(IReadOnlyList<PackRecord> packs, IReadOnlyList<PackIndex> indexes, IReadOnlySet<Hash256>? only = null)
    {
        int total = 0;
        if (only is not null)
            total = only.Count;
        else
            foreach (var index in indexes)
                total += index.Chunks.Length;
        var locations = new Dictionary<Hash256, ChunkLocation>(total);
        var frames = new FrameInfo[packs.Count][];
        for (int ordinal = 0; ordinal < packs.Count; ordinal++)
        {
            var index = indexes[ordinal];
            frames[ordinal] = index.Frames;
            foreach (var chunk in index.Chunks)
                // A chunk stored twice (a repack, or two packs of one interrupted history) is fine: first wins.
                if (only is null || only.Contains(chunk.Hash))
                    locations.TryAdd(chunk.Hash, new ChunkLocation(ordinal, chunk.Frame, chunk.OffsetInFrame, chunk.PlainLength));
        }
        return new ChunkIndex(packs, frames, locations);
    }
}
