using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>
/// A real HTTP server on 127.0.0.1 for the probe tests: it reads each request's head, records it, and answers with
/// <see cref="StatusLine"/> (or, when that is null, holds the connection open without a word, like a hung service).
/// </summary>
internal sealed class TinyHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];

    public TinyHttpServer()
    {
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public volatile string? StatusLine = "HTTP/1.1 200 OK";

    /// <summary>Each request's head, as received.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        try
        {
            var head = new StringBuilder();
            var buffer = new byte[1024];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                    break;
                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            Requests.Enqueue(head.ToString());
            if (StatusLine is not { } status)
            {
                lock (_held)
                    _held.Add(client);
                return;
            }
            await client.SendAsync(Encoding.ASCII.GetBytes($"{status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"), SocketFlags.None, _stop.Token);
            client.Shutdown(SocketShutdown.Both);
            client.Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            client.Dispose();
        }
    }

    /// <summary>Stops listening: from now on a connect is refused.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            foreach (var socket in _held)
                socket.Dispose();
        }
    }
}
