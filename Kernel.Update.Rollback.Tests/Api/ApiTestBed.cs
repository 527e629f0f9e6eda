using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>
/// A real store and live tree (<see cref="StoreTestBed"/>) served by a real <see cref="ControlServer"/> with the engine's
/// handler on a socket in the bed's temporary directory. Disposing stops the server and removes everything.
/// </summary>
internal sealed class ApiTestBed : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<ControlClient> _clients = [];

    private ApiTestBed(StoreTestBed bed, ControlServerOptions options, Action<ControlEvent, ControlServer>? onPublish)
    {
        Bed = bed;
        Options = options;
        System = new RollbackSystem(bed.Config, Logger);
        ControlServer? server = null;
        Handler = new EngineControlHandler(bed.Config, Logger, System, () => Health, e =>
        {
            server!.Publish(e);
            onPublish?.Invoke(e, server);
        });
        Server = server = new ControlServer(options, Handler, Logger);
    }

    public StoreTestBed Bed { get; }
    public ControlServerOptions Options { get; }
    public string SocketPath => Options.SocketPath;
    public ListLogger Logger { get; } = new();
    public RollbackSystem System { get; }
    public EngineControlHandler Handler { get; }
    public ControlServer Server { get; }
    public Task Running { get; private set; } = Task.CompletedTask;

    /// <summary>What the handler answers for "health" and "status".</summary>
    public SystemHealth? Health { get; set; }

    /// <param name="onPublish">runs after each event the handler publishes (a test can hold the handler there).</param>
    public static ApiTestBed Start(StoreTestBed bed, Func<string, ControlServerOptions>? options = null, Action<ControlEvent, ControlServer>? onPublish = null)
    {
        string socket = bed.Scratch("api.sock");
        var api = new ApiTestBed(bed, options?.Invoke(socket) ?? new ControlServerOptions(socket), onPublish);
        // The socket is bound before RunAsync first awaits, so it is there (or RunAsync has failed) when this returns.
        api.Running = api.Server.RunAsync(api._stop.Token);
        if (api.Running.IsFaulted)
            api.Running.GetAwaiter().GetResult();
        return api;
    }

    public async Task<ControlClient> ConnectAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var client = await ControlClient.ConnectAsync(SocketPath, timeout.Token);
        _clients.Add(client);
        return client;
    }

    /// <summary>Sends one request on a fresh connection and returns the response.</summary>
    public async Task<ControlResponse> AskAsync(ControlRequest request)
    {
        var client = await ConnectAsync();
        using var timeout = new CancellationTokenSource(Patience);
        return await client.SendAsync(request, timeout.Token);
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        await Running.WaitAsync(Patience);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
        await StopAsync();
        _stop.Dispose();
        Bed.Dispose();
    }
}
