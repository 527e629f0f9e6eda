using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// A connection to the control API. Requests may be sent concurrently (each gets its own id, and its response is
/// matched by it); after <see cref="SubscribeAsync"/> the same connection also carries events.
/// </summary>
public sealed class ControlClient : IAsyncDisposable
{
    // The server caps requests at 64 KiB; its answers (a health sample of many components, a long rollback) may be
    // larger, but a line this long means something else is talking.
    private const int MaxLineBytes = 16 * 1024 * 1024;

    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ControlResponse>> _pending = new();
    private readonly Channel<ControlEvent> _events = Channel.CreateUnbounded<ControlEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;
    private long _lastId;
    private volatile ControlResponse? _endedWith;
    private volatile bool _ended;

    private ControlClient(string socketPath, Socket socket)
    {
        SocketPath = socketPath;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reading = ReadLoopAsync();
    }

    public string SocketPath { get; }

    /// <summary>Connects to the monitor at <paramref name="socketPath"/>. NotFound when nothing serves it, PermissionDenied
    /// when the file mode keeps us out (a refusal by the peer check comes as the answer to the first request).</summary>
    public static async Task<ControlClient> ConnectAsync(string socketPath, CancellationToken cancellation = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellation);
            return new ControlClient(socketPath, socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var kind = e.SocketErrorCode == SocketError.AccessDenied ? RollbackErrorKind.PermissionDenied : RollbackErrorKind.NotFound;
            throw new RollbackException(kind, $"cannot connect to the rollback monitor at {socketPath}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (with the next id when it has none) and waits for its response. Errors the server
    /// answers come back as a response with <see cref="ControlResponse.Ok"/> false; a connection that ends first
    /// throws <see cref="RollbackException"/>.
    /// </summary>
    public async Task<ControlResponse> SendAsync(ControlRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        long id = request.Id ?? Interlocked.Increment(ref _lastId);
        var answer = new TaskCompletionSource<ControlResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, answer))
            throw new ArgumentException($"request id {id} is already waiting for its response on this connection", nameof(request));
        try
        {
            if (_ended)
                return Ended(id);
            var line = JsonLines.Encode(request with { Id = id }, ControlJsonContext.Default.ControlRequest);
            await _writeLock.WaitAsync(cancellation);
            try
            {
                await _stream.WriteAsync(line, cancellation);
            }
            catch (IOException)
            {
                // The server closed the connection (it may have said why first): the reader reports it below.
            }
            finally
            {
                _writeLock.Release();
            }
            return await answer.Task.WaitAsync(cancellation);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Subscribes this connection and yields its events in the order the server sent them, until
    /// <paramref name="cancellation"/> or the connection ends.</summary>
    public async IAsyncEnumerable<ControlEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        (await SendAsync(new ControlRequest { Op = ControlOps.Subscribe }, cancellation)).EnsureSuccess();
        await foreach (var e in _events.Reader.ReadAllAsync(cancellation))
            yield return e;
    }

    private async Task ReadLoopAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        try
        {
            await JsonLines.ReadAsync(reader, MaxLineBytes, OnLine, _closing.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or JsonException)
        {
            // Closed by us, reset by the server, or a line that is not the protocol: the connection is over either way.
        }
        finally
        {
            await reader.CompleteAsync();
            _ended = true;
            _events.Writer.TryComplete();
            foreach (var (id, waiting) in _pending)
            {
                if (_endedWith is { } said)
                    waiting.TrySetResult(said with { Id = id });
                else
                    waiting.TrySetException(Closed());
            }
        }
    }

    private ValueTask<bool> OnLine(ReadOnlySequence<byte> line)
    {
        var message = JsonLines.Parse(line, ControlJsonContext.Default.ControlMessage);
        if (message.Event is not null)
        {
            _events.Writer.TryWrite(new ControlEvent(message.Event, message.Data));
            return ValueTask.FromResult(true);
        }
        var response = new ControlResponse(message.Id, message.Ok, message.Result, message.Error);
        if (message.Id is { } id)
        {
            if (_pending.TryRemove(id, out var waiting))
                waiting.TrySetResult(response);
            return ValueTask.FromResult(true);
        }
        // No id: the server could not take a line of ours as a request, or refused the connection. When it then
        // closes, this is the answer every request still waiting gets.
        _endedWith = response;
        return ValueTask.FromResult(true);
    }

    private ControlResponse Ended(long id) => _endedWith is { } said ? said with { Id = id } : throw Closed();

    private RollbackException Closed() => new(RollbackErrorKind.Failed, $"the rollback monitor at {SocketPath} closed the connection");

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        try
        {
            _stream.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected.
        }
        await _reading;
        await _stream.DisposeAsync();
        _closing.Dispose();
        _writeLock.Dispose();
    }
}
