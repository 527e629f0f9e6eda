using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Packs;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Retention;

public sealed record PruneResult(IReadOnlyList<RecoveryPointRecord> Removed, int PacksRemoved, int PacksRewritten, long BytesReclaimed);

/// <summary>
/// Applies retention, then reclaims space: a pack no remaining point uses is deleted; a pack that is mostly
/// dead is rewritten with its live chunks only. Two commits, each a catalog rename; files are deleted only
/// after the catalog that no longer names them is durable, so a crash at any instant leaves a valid store.
/// </summary>
public sealed class Pruner(string storeRoot, RetentionPolicy policy, int compressionLevel, ILogger logger)
{
    /// <summary>A pack whose live bytes are below this share of its length is rewritten.</summary>
    private const double RepackBelowLiveShare = 0.5;

    /// <summary>Applies retention and reclaims space; recorded, with the points removed, in the store's audit log.</summary>
    public PruneResult Prune(CancellationToken cancellation = default) =>
        Audit.AuditLog.Record(storeRoot, "prune", null, [], null, logger, () => PruneCore(cancellation),
            result => result.Removed.Count == 0 ? null : string.Join(",", result.Removed.Select(p => p.Id)));

    private PruneResult PruneCore(CancellationToken cancellation)
    {
        var layout = new StoreLayout(storeRoot);
        RecoveryStore.Initialize(layout);
        using var storeLock = StoreLock.Acquire(layout);
        var store = RecoveryStore.Open(storeRoot);
        store.CollectLeftovers();

        var removed = policy.SelectForRemoval(store.Catalog);
        if (removed.Count > 0)
        {
            var next = CatalogEdit.Copy(store.Catalog);
            foreach (var point in removed)
            {
                next.Points.Remove(point);
                Log.PointPruned(logger, point.Id, point.Sequence);
            }
            store.Commit(next);
        }
        var (packsRemoved, packsRewritten, reclaimed) = ReclaimSpace(store, cancellation);
        store.CollectLeftovers();
        return new PruneResult(removed, packsRemoved, packsRewritten, reclaimed);
    }

    private (int Removed, int Rewritten, long Reclaimed) ReclaimSpace(RecoveryStore store, CancellationToken cancellation)
    {
        var live = new HashSet<Hash256>();
        foreach (var point in store.Catalog.Points)
            foreach (var component in point.Components)
                foreach (var entry in store.LoadManifest(point, component).Entries)
                    foreach (var chunk in entry.Chunks)
                        live.Add(chunk.Hash);

        var index = store.Index;
        // A frame's pack bytes are live in proportion to its live plain bytes.
        var liveBytes = new double[index.Packs.Count];
        var liveChunks = new List<(Hash256 Hash, ChunkLocation Location)>[index.Packs.Count];
        for (int i = 0; i < liveChunks.Length; i++)
            liveChunks[i] = [];
        foreach (var (hash, location) in index.All)
        {
            if (!live.Contains(hash))
                continue;
            var frame = index.FrameOf(location);
            liveBytes[location.Pack] += (double)(frame.End - frame.Offset) * location.PlainLength / frame.PlainLength;
            liveChunks[location.Pack].Add((hash, location));
        }

        var keep = new List<PackRecord>();
        var rewrite = new List<int>();
        int removed = 0;
        long before = 0;
        for (int i = 0; i < index.Packs.Count; i++)
        {
            var pack = index.Packs[i];
            before += pack.Length;
            if (liveChunks[i].Count == 0)
                removed++;
            else if (liveBytes[i] < pack.Length * RepackBelowLiveShare)
                rewrite.Add(i);
            else
                keep.Add(pack);
        }
        if (removed == 0 && rewrite.Count == 0)
            return (0, 0, 0);

        var next = CatalogEdit.Copy(store.Catalog);
        next.Packs = keep;
        if (rewrite.Count > 0)
        {
            using var writer = new PackWriter(store.Layout);
            using var reader = new ChunkReader(store.Layout, index);
            using var frame = new FrameBuilder(writer, compressionLevel, PackFormat.MaxChunkLength);
            byte[] plain = System.Buffers.ArrayPool<byte>.Shared.Rent(PackFormat.MaxChunkLength);
            try
            {
                foreach (int i in rewrite)
                {
                    liveChunks[i].Sort(static (a, b) => a.Location.Frame != b.Location.Frame
                        ? a.Location.Frame.CompareTo(b.Location.Frame) : a.Location.OffsetInFrame.CompareTo(b.Location.OffsetInFrame));
                    foreach (var (hash, location) in liveChunks[i])
                    {
                        cancellation.ThrowIfCancellationRequested();
                        // Decode and re-prove every chunk moved: a repack must never launder damage into a fresh pack.
                        var data = plain.AsSpan(0, location.PlainLength);
                        reader.Read(hash, data);
                        frame.Add(hash, data);
                    }
                }
                frame.Flush();
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(plain);
            }
            foreach (var pack in writer.Complete())
                next.Packs.Add(new PackRecord { Id = pack.Id, Length = pack.Length, Chunks = pack.Chunks, IndexSha256 = pack.IndexSha256 });
            DiskSteps.FsyncDirectory(store.Layout.Packs);
        }
        store.Commit(next);
        long after = 0;
        foreach (var pack in next.Packs)
            after += pack.Length;
        Log.SpaceReclaimed(logger, before - after, removed, rewrite.Count);
        return (removed, rewrite.Count, before - after);
    }
}
