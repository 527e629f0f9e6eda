using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// Writes file content on one worker per core, each with one <see cref="ChunkReader"/> (its buffers and decoded
/// frame live as long as the worker). Files are grouped by the frame holding their first chunk and handed out
/// a group at a time in pack order, so each 4 MiB frame is decoded about once, not once per small file in it.
/// </summary>
internal static class ContentWorkers
{
    public static void Run<T>(RecoveryStore store, List<T> items, Func<T, ManifestEntry> entryOf, Action<ChunkReader, T> write, CancellationToken cancellation)
    {
        if (items.Count == 0)
            return;
        var batches = ByFrame(store.Index, items, entryOf);
        int next = -1;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var workers = new Task[Math.Min(Environment.ProcessorCount, batches.Count)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(() =>
            {
                using var reader = new ChunkReader(store.Layout, store.Index);
                try
                {
                    for (int b = Interlocked.Increment(ref next); b < batches.Count; b = Interlocked.Increment(ref next))
                    {
                        foreach (var item in batches[b])
                        {
                            failed.Token.ThrowIfCancellationRequested();
                            write(reader, item);
                        }
                    }
                }
                catch
                {
                    failed.Cancel();
                    throw;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            Task.WaitAll(workers);
        }
        catch (AggregateException e)
        {
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private static List<List<T>> ByFrame<T>(ChunkIndex index, List<T> items, Func<T, ManifestEntry> entryOf)
    {
        var keyed = new List<(long Key, T Item)>(items.Count);
        foreach (var item in items)
        {
            var chunks = entryOf(item).Chunks;
            long key = chunks.Length > 0 && index.TryGet(chunks[0].Hash, out var location)
                ? ((long)location.Pack << 32) | (uint)location.Frame
                : -1;
            keyed.Add((key, item));
        }
        keyed.Sort(static (a, b) => a.Key.CompareTo(b.Key)); // stable enough: order within a frame does not matter
        var batches = new List<List<T>>();
        long current = long.MinValue;
        foreach (var (key, item) in keyed)
        {
            if (key != current || key == -1 && batches[^1].Count >= 64)
            {
                batches.Add([]);
                current = key;
            }
            batches[^1].Add(item);
        }
        return batches;
    }
}
