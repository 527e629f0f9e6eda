using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Monitor;

/// <summary>
/// <c>rollbackctl monitor</c> as a real process, with a notify socket in the role of systemd: a Unix datagram
/// socket whose path is in NOTIFY_SOCKET, where the monitor's sd_notify messages (READY=1, WATCHDOG=1,
/// STOPPING=1) arrive. Killed when disposed, whatever the test's outcome.
/// </summary>
internal sealed class MonitorProcess : IDisposable
{
    private readonly Process _process;
    private readonly Socket _notify;
    private readonly string _notifyPath;
    private readonly StringBuilder _stderr = new();

    private readonly List<string> _stdout = [];

    public MonitorProcess(string configPath, string scratch, long? watchdogUsec = null, params string[] options)
    {
        _notifyPath = Path.Combine(scratch, $"notify-{Guid.NewGuid():N}"[..20]);
        _notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _notify.Bind(new UnixDomainSocketEndPoint(_notifyPath));
        var (file, prefix) = CliRunner.Command;
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in prefix.Concat(["--config", configPath, "monitor", "--verbose", .. options]))
            start.ArgumentList.Add(arg);
        start.Environment["NOTIFY_SOCKET"] = _notifyPath;
        if (watchdogUsec is { } usec)
            start.Environment["WATCHDOG_USEC"] = usec.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Pid => _process.Id;

    /// <summary>The lines the monitor has written to stdout so far.</summary>
    public List<string> StdOutLines
    {
        get
        {
            lock (_stdout)
                return [.. _stdout];
        }
    }

    public string StdErr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>The next sd_notify message, or null when none came within the timeout.</summary>
    public string? NextNotification(TimeSpan timeout)
    {
        _notify.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var buffer = new byte[4096];
        try
        {
            int read = _notify.Receive(buffer);
            return Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Waits for a message containing <paramref name="text"/>, skipping others; false on timeout.</summary>
    public bool WaitForNotification(string text, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
            if (NextNotification(end - DateTime.UtcNow) is { } message && message.Contains(text, StringComparison.Ordinal))
                return true;
        return false;
    }

    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _notify.Dispose();
        File.Delete(_notifyPath);
    }
}
