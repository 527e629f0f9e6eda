using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// Writes file content on one worker per core, each with one <see cref="ChunkReader"/> (its buffers and decoded
/// frame live as long as the worker). Files are handed out in batches ordered by <see cref="FrameOrder"/>, so each
/// 4 MiB frame is decoded about once, not once per small file in it, and each batch's detours read first.
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
        Workers.ForEach(FrameOrder.Batches(store, stage, items, entryOf, Environment.ProcessorCount), () => new DetourChunks(Source(store, stage)), (reader, batch) =>
        {
            reader.Load(batch.Detours);
            foreach (var item in batch.Files)
            {
                cancellation.ThrowIfCancellationRequested();
                write(reader, item);
            }
        }, cancellation);
    }

    private static IChunkSource Source(RecoveryStore store, ChunkStage? stage) =>
        stage is null ? new ChunkReader(store.Layout, store.Index) : stage.Over(() => new ChunkReader(store.Layout, store.Index));
}
