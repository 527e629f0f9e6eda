using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Kernel.Update.Rollback.Health;

/// <summary>
/// An http:// URL answers a GET with 2xx. A minimal HTTP/1.1 client over a socket: HttpClient would add megabytes to
/// the NativeAOT binary, and a health check needs only the status line (the rest of the answer is never read).
/// </summary>
internal static class HttpProbe
{
    // A status line is "HTTP/1.1 200 OK"; a longer first line is not an HTTP answer.
    private const int MaxStatusLine = 1024;

    public static async Task<ProbeOutcome> CheckAsync(HttpProbeSpec spec, CancellationToken cancellation)
    {
        var uri = new Uri(spec.Url);
        try
        {
            using var socket = await TcpProbe.ConnectAsync(uri.DnsSafeHost, uri.Port, cancellation).ConfigureAwait(false);
            var request = Request(uri);
            for (int sent = 0; sent < request.Length;)
                sent += await socket.SendAsync(request.AsMemory(sent), SocketFlags.None, cancellation).ConfigureAwait(false);
            return Verdict(await ReadStatusLineAsync(socket, cancellation).ConfigureAwait(false));
        }
        catch (SocketException e)
        {
            return ProbeOutcome.Fail($"cannot reach {uri.Authority}: {e.Message}");
        }
    }

    /// <summary>HTTP/1.1 requires Host; Connection: close asks the server to end the exchange after this answer.</summary>
    internal static byte[] Request(Uri uri) => Encoding.ASCII.GetBytes(
        $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUser-Agent: rollbackctl-health\r\nAccept: */*\r\nConnection: close\r\n\r\n");

    /// <summary>The answer's first line without its line end; null when the server closed without a whole line.</summary>
    private static async Task<string?> ReadStatusLineAsync(Socket socket, CancellationToken cancellation)
    {
        var buffer = new byte[MaxStatusLine];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellation).ConfigureAwait(false);
            if (read == 0)
                break;
            int end = Array.IndexOf(buffer, (byte)'\n', filled, read);
            filled += read;
            if (end >= 0)
                return Encoding.ASCII.GetString(buffer, 0, end).TrimEnd('\r');
        }
        return filled == 0 ? null : Encoding.ASCII.GetString(buffer, 0, filled);
    }

    internal static ProbeOutcome Verdict(string? statusLine)
    {
        if (statusLine is null)
            return ProbeOutcome.Fail("the server closed the connection without answering");
        // "HTTP/1.1 200 OK": version, a three-digit code, an optional reason.
        string[] parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || parts[1].Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
        {
            return ProbeOutcome.Fail($"the answer is not HTTP: '{Printable(statusLine)}'");
        }
        string answer = statusLine[(parts[0].Length + 1)..].Trim();
        return status is >= 200 and < 300
            ? ProbeOutcome.Pass($"answered {answer}")
            : ProbeOutcome.Fail($"answered {answer}; a healthy service answers 2xx");
    }

    private static string Printable(string text)
    {
        var shown = new StringBuilder(Math.Min(text.Length, 40));
        foreach (char c in text.Length <= 40 ? text : text[..40])
            shown.Append(char.IsControl(c) ? '?' : c);
        return shown.ToString();
    }
}
