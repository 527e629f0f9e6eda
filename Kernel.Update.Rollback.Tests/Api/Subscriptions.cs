using Kernel.Update.Rollback.Api;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>Events of a <see cref="ControlClient"/> subscription, read as a test needs them.</summary>
internal sealed class Subscription(ControlClient client, IAsyncEnumerator<ControlEvent> events, CancellationTokenSource patience) : IAsyncDisposable
{
    /// <summary>Subscribes <paramref name="client"/> and returns once the server has registered it: a connection's requests
    /// are served in order, so when a status sent after the subscribe is answered, the subscribe was served.</summary>
    public static async Task<Subscription> StartAsync(ControlClient client)
    {
        var patience = new CancellationTokenSource(ApiTestBed.Patience);
        var events = client.SubscribeAsync(patience.Token).GetAsyncEnumerator(patience.Token);
        var first = events.MoveNextAsync(); // sends "subscribe" before the status below
        (await client.SendAsync(new ControlRequest { Op = ControlOps.Status }, patience.Token)).EnsureSuccess();
        return new Subscription(client, new Prefetched(first, events), patience);
    }

    public ControlClient Client => client;

    /// <summary>The events up to and including the first that <paramref name="last"/> accepts.</summary>
    public async Task<List<ControlEvent>> ReadUntilAsync(Func<ControlEvent, bool> last)
    {
        var read = new List<ControlEvent>();
        while (await events.MoveNextAsync())
        {
            read.Add(events.Current);
            if (last(events.Current))
                return read;
        }
        throw new InvalidOperationException("the subscription ended before the expected event; got: " + string.Join(", ", read.Select(e => e.Event)));
    }

    /// <summary>Ends the wait of a pending read; the connection itself closes with its client.</summary>
    public ValueTask DisposeAsync()
    {
        patience.Cancel();
        patience.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>An enumerator whose first MoveNextAsync was already started (to send the subscribe early).</summary>
    private sealed class Prefetched(ValueTask<bool> first, IAsyncEnumerator<ControlEvent> inner) : IAsyncEnumerator<ControlEvent>
    {
        private bool _firstTaken;

        public ControlEvent Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_firstTaken)
                return inner.MoveNextAsync();
            _firstTaken = true;
            return first;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
