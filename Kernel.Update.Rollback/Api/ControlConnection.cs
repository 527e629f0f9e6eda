using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Kernel.Update.Rollback.Errors;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Api;

/// <summary>What became of an event offered to a subscriber.</summary>
internal enum Delivery
{
    Queued,
    /// <summary>Its queue is full: it is not reading.</summary>
    Full,
    /// <summary>The connection is closing anyway.</summary>
    Closed,
}

/// <summary>
/// One accepted, authorized client: requests are read from a <see cref="PipeReader"/> and answered one after another;
/// everything written to it (responses and events) goes through one bounded queue and one writer, so lines never
/// interleave and a subscriber that stops reading is noticed by its full queue, not by a blocked publisher.
/// </summary>
internal sealed class ControlConnection : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly Channel<ReadOnlyMemory<byte>> _outbound;
    private readonly CancellationTokenSource _abort = new();
    private readonly ControlServer _server;
    private readonly ControlDispatcher _dispatcher;
    private readonly int _maxLine;
    private readonly ILogger _logger;
    private volatile bool _closed;

    public ControlConnection(Socket socket, ControlPeer peer, ControlServer server, ControlDispatcher dispatcher, ControlServerOptions options, ILogger logger)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.QueueLength)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // responses wait for room; events use TryWrite and never wait
        });
        Peer = peer;
        _server = server;
        _dispatcher = dispatcher;
        _maxLine = options.MaxLineBytes;
        _logger = logger;
    }

    public ControlPeer Peer { get; }

    /// <summary>Lines waiting to be written.</summary>
    public int Queued => _outbound.Reader.Count;

    /// <summary>Serves requests until the client closes, the server stops (<paramref name="stopping"/>) or the connection is dropped.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var stop = stopping.Register(static c => ((ControlConnection)c!).Abort(), this);
        var writing = WriteLoopAsync();
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        string ended = "closed by the client";
        try
        {
            var end = await JsonLines.ReadAsync(reader, _maxLine, line => OnLineAsync(line, stopping), _abort.Token);
            if (end == LinesEnd.TooLong)
            {
                Log.ApiLineTooLong(_logger, Peer.Pid, Peer.Uid, _maxLine);
                await SendAsync(ControlResponse.Failure(null, RollbackErrorKind.InvalidInput,
                    $"a request line is longer than {_maxLine} bytes; the connection is closed"));
                ended = "line too long";
            }
        }
        catch (OperationCanceledException)
        {
            ended = stopping.IsCancellationRequested ? "the server is stopping" : "dropped";
        }
        catch (IOException e)
        {
            ended = e.Message;
        }
        finally
        {
            await reader.CompleteAsync();
            _server.Unsubscribe(this);
            _closed = true;
            _outbound.Writer.TryComplete(); // the writer sends what is queued (the last responses), then ends
            await writing;
        }
        Log.ApiConnectionEnded(_logger, Peer.Pid, Peer.Uid, ended);
    }

    private async ValueTask<bool> OnLineAsync(System.Buffers.ReadOnlySequence<byte> line, CancellationToken stopping)
    {
        ControlRequest request;
        try
        {
            request = JsonLines.Parse(line, ControlJsonContext.Default.ControlRequest);
        }
        catch (JsonException e)
        {
            // The line is consumed and answered; the connection goes on with the next one.
            return await SendAsync(ControlResponse.Failure(JsonLines.FindId(line), RollbackErrorKind.InvalidInput, $"malformed request: {e.Message}"));
        }
        var response = await _dispatcher.DispatchAsync(request, Peer, stopping);
        if (response.Ok && request.Op == ControlOps.Subscribe)
            return await SubscribeAsync(response);
        return await SendAsync(response);
    }

    /// <summary>Queues the ok of "subscribe" and joins the subscribers in one step under the publisher's lock: the ok
    /// comes before the first event, and a client that has read it gets every event published after.</summary>
    private async ValueTask<bool> SubscribeAsync(ControlResponse ok)
    {
        var line = JsonLines.Encode(ok, ControlJsonContext.Default.ControlResponse);
        while (await _outbound.Writer.WaitToWriteAsync(_abort.Token))
            if (_server.TrySubscribe(this, line))
                return true;
        return false;
    }

    private async ValueTask<bool> SendAsync(ControlResponse response)
    {
        try
        {
            await _outbound.Writer.WriteAsync(JsonLines.Encode(response, ControlJsonContext.Default.ControlResponse), _abort.Token);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Queues an event line without waiting (the publisher must never block on a client).</summary>
    public Delivery TryDeliver(ReadOnlyMemory<byte> line)
    {
        if (_closed)
            return Delivery.Closed;
        if (_outbound.Writer.TryWrite(line))
            return Delivery.Queued;
        return _closed ? Delivery.Closed : Delivery.Full;
    }

    /// <summary>
    /// Answers a refused peer with one line and closes. What it sent meanwhile is read and thrown away first (a few
    /// seconds at most, 64 KiB at most): closing a Unix socket with unread input resets the peer, which could then
    /// lose the refusal line instead of reading it and an orderly end.
    /// </summary>
    public async Task RefuseAsync(ControlResponse refusal)
    {
        _closed = true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _stream.WriteAsync(JsonLines.Encode(refusal, ControlJsonContext.Default.ControlResponse), timeout.Token);
            _stream.Socket.Shutdown(SocketShutdown.Send);
            byte[] discard = new byte[4096];
            for (int total = 0; total < 64 * 1024;)
            {
                int read = await _stream.ReadAsync(discard, timeout.Token);
                if (read == 0)
                    break;
                total += read;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // It went away, or lingers: it has been told either way.
        }
    }

    /// <summary>Closes the connection now, dropping whatever is queued: the server stops, or this subscriber is not reading.</summary>
    public void Abort()
    {
        _closed = true;
        _outbound.Writer.TryComplete();
        _abort.Cancel();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _outbound.Reader.WaitToReadAsync(_abort.Token))
                while (_outbound.Reader.TryRead(out var line))
                    await _stream.WriteAsync(line, _abort.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away or the connection was aborted.
        }
        finally
        {
            // Whichever way writing ended, reading ends too: a client we cannot answer is not served.
            Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        await _stream.DisposeAsync();
        _abort.Dispose();
    }
}
