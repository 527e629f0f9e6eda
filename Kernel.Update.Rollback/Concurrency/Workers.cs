namespace Kernel.Update.Rollback.Concurrency;

/// <summary>
/// One worker thread per core over a list, each with one state object (a reader with its buffers, a zstd
/// context) made once and kept for the whole run. Unlike Parallel.ForEach, which may start and retire tasks
/// and so create state again and again, the number of states, and of the large buffers they hold, is bounded
/// by the number of cores. Items are taken in list order; the first failure stops the others at their next item.
/// A caller whose items wait on a device rather than a core may ask for more workers than cores (<c>count</c>).
/// </summary>
internal static class Workers
{
    public static void ForEach<TItem, TState>(IReadOnlyList<TItem> items, Func<TState> create, Action<TState, TItem> body,
        CancellationToken cancellation, Action<TState>? finish = null, int count = 0)
        where TState : IDisposable
    {
        if (items.Count == 0)
            return;
        int next = -1;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var workers = new Task[Math.Min(count > 0 ? count : Environment.ProcessorCount, items.Count)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(() =>
            {
                using var state = create();
                try
                {
                    for (int i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
                    {
                        failed.Token.ThrowIfCancellationRequested();
                        body(state, items[i]);
                    }
                    finish?.Invoke(state);
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
            // The first real failure says what and where; the others' cancellations follow from it.
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>The same for items that need no per-worker state.</summary>
    public static void ForEach<TItem>(IReadOnlyList<TItem> items, Action<TItem> body, CancellationToken cancellation) =>
        ForEach(items, static () => Stateless.Instance, (_, item) => body(item), cancellation);

    private sealed class Stateless : IDisposable
    {
        public static readonly Stateless Instance = new();

        public void Dispose()
        {
        }
    }
}
