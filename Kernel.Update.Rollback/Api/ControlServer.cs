using System.Collections.Concurrent;
using System.Net.Sockets;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// The local API for update agents: a Unix domain socket speaking JSON lines (PROTOCOL.md). Each connection is
/// checked by its peer's credentials, then served on its own; events go to the connections that subscribed.
/// </summary>
public sealed class ControlServer
{
    private readonly ControlServerOptions _options;
    private readonly ControlDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly List<ControlConnection> _subscribers = [];
    private int _started;

    public ControlServer(ControlServerOptions options, IControlHandler handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        _options = options;
        _dispatcher = new ControlDispatcher(handler, logger);
        _logger = logger;
    }

    /// <summary>
    /// Binds the socket (see <see cref="ControlSocketFile"/>), serves until <paramref name="cancellation"/>, waits for the
    /// requests in flight (they see the cancellation), and removes the socket file. A second server on the same path is
    /// refused with InvalidState ("another monitor is serving SOCKET"); a stale file of a dead one is replaced.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("a ControlServer runs once");
        var file = ControlSocketFile.Create(_options, _logger);
        var authorizer = new PeerAuthorizer(Posix.GetEffectiveUid(), file.GroupId, _options.Group);
        Log.ApiListening(_logger, file.Path, "0" + Convert.ToString(file.Mode, 8), _options.Group is null ? "" : ", group " + _options.Group);
        var connections = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (await AcceptAsync(file, cancellation) is { } socket)
            {
                var serving = ServeAsync(socket, authorizer, cancellation);
                connections.TryAdd(serving, true);
                _ = serving.ContinueWith(done => connections.TryRemove(done, out _), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        finally
        {
            file.Listener.Dispose(); // no new connections while the last requests finish
            await Task.WhenAll(connections.Keys);
            lock (_subscribers)
                _subscribers.Clear();
            file.Dispose();
            Log.ApiStopped(_logger, file.Path);
        }
    }

    /// <summary>The next connection, or null once the server stops.</summary>
    private async Task<Socket?> AcceptAsync(ControlSocketFile file, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                return await file.Listener.AcceptAsync(cancellation);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (SocketException e)
            {
                // EMFILE and the like: the server stays up, and tries again shortly rather than in a hot loop.
                Log.ApiAcceptFailed(_logger, file.Path, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
        }
        return null;
    }

    private async Task ServeAsync(Socket socket, PeerAuthorizer authorizer, CancellationToken stopping)
    {
        await Task.Yield(); // the accept loop goes on at once
        ControlPeer peer;
        PeerCredentials credentials;
        try
        {
            credentials = Posix.GetPeerCredentials(socket);
            peer = new ControlPeer(credentials.Pid, credentials.Uid, credentials.Gid);
        }
        catch (Exception e) when (e is SocketException or NativeException)
        {
            Log.ApiConnectionEnded(_logger, 0, uint.MaxValue, "its credentials could not be read: " + e.Message);
            socket.Dispose();
            return;
        }
        var connection = new ControlConnection(socket, peer, this, _dispatcher, _options, _logger);
        try
        {
            if (authorizer.Refusal(socket, credentials) is { } reason)
            {
                Log.ApiPeerRefused(_logger, peer.Pid, peer.Uid, peer.Gid, reason);
                await connection.RefuseAsync(ControlResponse.Failure(null, RollbackErrorKind.PermissionDenied, reason));
                return;
            }
            Log.ApiPeerAccepted(_logger, peer.Pid, peer.Uid);
            await connection.RunAsync(stopping);
        }
        catch (Exception e)
        {
            Log.ApiRequestCrashed(_logger, e, "connection", peer.Pid, peer.Uid);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Sends <paramref name="e"/> to every subscriber. Never blocks: the line is encoded once and queued on each
    /// connection; a subscriber whose queue is full is not reading, and is dropped (logged) so that it cannot hold up
    /// the publisher or the others. Safe from any thread; events from one thread reach every subscriber in order.
    /// </summary>
    public void Publish(ControlEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_subscribers)
        {
            if (_subscribers.Count == 0)
                return;
            var line = JsonLines.Encode(e, ControlJsonContext.Default.ControlEvent);
            for (int i = _subscribers.Count - 1; i >= 0; i--)
            {
                var subscriber = _subscribers[i];
                var delivery = subscriber.TryDeliver(line);
                if (delivery == Delivery.Queued)
                    continue;
                _subscribers.RemoveAt(i);
                if (delivery == Delivery.Full)
                {
                    Log.ApiSubscriberDropped(_logger, subscriber.Peer.Pid, subscriber.Peer.Uid, subscriber.Queued);
                    subscriber.Abort();
                }
            }
        }
    }

    /// <summary>Queues <paramref name="ok"/> on <paramref name="connection"/> and adds it to the subscribers, with no
    /// event in between; false when its queue has no room now.</summary>
    internal bool TrySubscribe(ControlConnection connection, ReadOnlyMemory<byte> ok)
    {
        lock (_subscribers)
        {
            if (connection.TryDeliver(ok) != Delivery.Queued)
                return false;
            if (!_subscribers.Contains(connection))
                _subscribers.Add(connection);
            return true;
        }
    }

    /// <summary>After this returns, <see cref="Publish"/> no longer touches <paramref name="connection"/>.</summary>
    internal void Unsubscribe(ControlConnection connection)
    {
        lock (_subscribers)
            _subscribers.Remove(connection);
    }
}
