using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>Packs written straight through FrameBuilder and PackWriter, without a snapshot, and their index.</summary>
internal static class TestPacks
{
    /// <summary>Writes <paramref name="chunks"/> (hash, bytes, order key) in frames of <paramref name="target"/> bytes into a
    /// new store at <paramref name="layout"/> and returns the index over them.</summary>
    public static ChunkIndex Write(StoreLayout layout, IEnumerable<(Hash256 Hash, byte[] Data, long Key)> chunks, int target = FrameBuilder.DefaultTargetLength)
    {
        RecoveryStore.Initialize(layout);
        using var writer = new PackWriter(layout);
        using (var frame = new FrameBuilder(writer, compressionLevel: 3, maxChunkLength: 256 << 10, targetLength: target))
        {
            foreach (var (hash, data, key) in chunks)
                frame.Add(hash, data, key);
            frame.Flush();
        }
        return Index(layout, writer.Complete());
    }

    /// <summary>The index over <paramref name="packs"/>, as the store builds it from their index files.</summary>
    public static ChunkIndex Index(StoreLayout layout, IReadOnlyList<PackInfo> packs)
    {
        var records = packs.Select(p => new PackRecord { Id = p.Id, Length = p.Length, Chunks = p.Chunks, IndexSha256 = p.IndexSha256 }).ToList();
        return ChunkIndex.Build(records, [.. packs.Select(p => PackIndexFile.Read(layout.IndexPath(p.Id), p.IndexSha256, p.Length))]);
    }
}
