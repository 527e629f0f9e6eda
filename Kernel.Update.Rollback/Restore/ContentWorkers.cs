using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// Writes file content on one worker per core, each with one <see cref="ChunkReader"/> (its buffers and decoded
/// frame live as long as the worker). Files are grouped by the frame holding their first chunk and handed out
/// a group at a time in pack order, so each 4 MiB frame is decoded about once, not once per small file in it.
/// With a <see cref="ChunkStage"/>, chunks already decoded and proven by validation are taken from it first, and a
/// file whose chunks are all staged decodes no frame: such files go out a few at a time, so that the workers finish
/// together, and unless some file needs the packs the store's chunk index is not even loaded.
/// </summary>
internal static class ContentWorkers
{
    public static void Run<T>(RecoveryStore store, List<T> items, Func<T, ManifestEntry> entryOf, Action<IChunkSource, T> write,
        CancellationToken cancellation, ChunkStage? stage = null)
    {
        if (items.Count == 0)
            return;
        Workers.ForEach(ByFrame(store, stage, items, entryOf), () => Source(store, stage), (reader, batch) =>
        {
            foreach (var item in batch)
            {
                cancellation.ThrowIfCancellationRequested();
                write(reader, item);
            }
        }, cancellation);
    }

    // Files that decode no frame (staged, or empty) are handed out this many at a time.
    private const int LooseBatch = 4;

    private static IChunkSource Source(RecoveryStore store, ChunkStage? stage) =>
        stage is null ? new ChunkReader(store.Layout, store.Index) : stage.Over(() => new ChunkReader(store.Layout, store.Index));

    private static List<List<T>> ByFrame<T>(RecoveryStore store, ChunkStage? stage, List<T> items, Func<T, ManifestEntry> entryOf)
    {
        var keyed = new List<(long Key, T Item)>(items.Count);
        foreach (var item in items)
        {
            var chunks = entryOf(item).Chunks;
            long key = chunks.Length > 0 && !AllStaged(stage, chunks) && store.Index.TryGet(chunks[0].Hash, out var location)
                ? ((long)location.Pack << 32) | (uint)location.Frame
                : -1;
            keyed.Add((key, item));
        }
        keyed.Sort(static (a, b) => a.Key.CompareTo(b.Key)); // stable enough: order within a frame does not matter
        var batches = new List<List<T>>();
        long current = long.MinValue;
        foreach (var (key, item) in keyed)
        {
            if (key != current || key == -1 && batches[^1].Count >= LooseBatch)
            {
                batches.Add([]);
                current = key;
            }
            batches[^1].Add(item);
        }
        return batches;
    }

    private static bool AllStaged(ChunkStage? stage, ChunkRef[] chunks)
    {
        if (stage is null)
            return false;
        foreach (var chunk in chunks)
            if (!stage.Wants(chunk.Hash))
                return false;
        return true;
    }
}
