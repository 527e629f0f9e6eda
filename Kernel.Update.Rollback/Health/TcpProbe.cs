using System.Net.Sockets;

namespace Kernel.Update.Rollback.Health;

/// <summary>A TCP connect to host:port succeeds (the caller's token carries the timeout).</summary>
internal static class TcpProbe
{
    public static async Task<ProbeOutcome> CheckAsync(TcpProbeSpec spec, CancellationToken cancellation)
    {
        try
        {
            using var socket = await ConnectAsync(spec.Host, spec.Port, cancellation).ConfigureAwait(false);
            return ProbeOutcome.Pass($"connected to {spec.Endpoint}");
        }
        catch (SocketException e)
        {
            return ProbeOutcome.Fail($"cannot connect to {spec.Endpoint}: {e.Message}");
        }
    }

    /// <summary>A connected socket. A host name is resolved and each of its addresses tried, IPv4 and IPv6.</summary>
    /// <exception cref="SocketException">No address answered.</exception>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellation)
    {
        // Without an address family the socket is dual-mode where the kernel has IPv6, so it reaches both kinds.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellation).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
