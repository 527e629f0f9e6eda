using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>A client that writes bytes as given, for what <see cref="Kernel.Update.Rollback.Api.ControlClient"/> never
/// sends (malformed JSON, huge lines) and for a subscriber that stops reading.</summary>
internal sealed class RawConnection : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    public RawConnection(string socketPath)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        _stream = new NetworkStream(_socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public void Send(string text) => _stream.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>The next line, or null once the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await _reader.ReadLineAsync(timeout.Token);
    }

    public async Task<JsonObject> ReadJsonAsync()
    {
        string line = await ReadLineAsync() ?? throw new InvalidOperationException("the server closed the connection instead of answering");
        return JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Reads (and drops) whatever is buffered until the server closes the connection; false if it did not within the patience.</summary>
    public async Task<bool> ReadsToEndAsync()
    {
        try
        {
            while (await ReadLineAsync() is not null)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset: closed too
        }
    }

    public void Dispose() => _stream.Dispose();
}
