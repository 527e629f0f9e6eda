using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kernel.Update.Rollback.Cli.Demo;

/// <summary>
/// The demo device's service, a real process: it loads its build from the app component at start (as a service
/// loads its binary), writes a pid file, and answers <c>GET /health</c> on a loopback port — 200 for a good
/// build, 500 for the broken one the demo's update ships. Run as <c>rollbackctl demo-service</c> (not in the help).
/// </summary>
internal static class DemoService
{
    public const string BuildFile = "usr/lib/demo-app/BUILD";

    public static int Run(string root, int port, string pidFile)
    {
        string build = File.Exists(Path.Combine(root, BuildFile)) ? File.ReadAllText(Path.Combine(root, BuildFile)).Trim() : "missing";
        bool healthy = !build.Contains("broken", StringComparison.Ordinal);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        File.WriteAllText(pidFile, Environment.ProcessId + "\n");
        byte[] good = Response(200, "OK", $"demo-app {build}: healthy\n");
        byte[] bad = Response(500, "Internal Server Error", $"demo-app {build}: worker pool failed to start\n");
        var buffer = new byte[4096];
        while (true)
        {
            using var client = listener.AcceptTcpClient();
            client.ReceiveTimeout = 2000;
            try
            {
                var stream = client.GetStream();
                _ = stream.Read(buffer); // the request line and headers; one read is enough for a probe's GET
                stream.Write(healthy ? good : bad);
            }
            catch (IOException)
            {
                // a client that went away: serve the next one
            }
        }
    }

    private static byte[] Response(int status, string reason, string body) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
}
