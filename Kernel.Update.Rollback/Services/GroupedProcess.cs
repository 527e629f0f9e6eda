using System.Diagnostics;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Services;

/// <summary>
/// A program run in its own process group (setsid) with its output in a scratch file, for services and health
/// probes. Output goes to a file, not a pipe: a daemon the program leaves running would hold a pipe open and the
/// wait would never end. On a timeout the caller kills the whole group, so nothing it started outlives it.
/// Disposing deletes the scratch file.
/// </summary>
internal sealed class GroupedProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _output;

    private GroupedProcess(Process process, string output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>Starts <paramref name="argv"/> (a program and its arguments, looked up on PATH) in a new session.</summary>
    /// <param name="what">Names the caller in errors ("component app: service x").</param>
    public static GroupedProcess Start(string scratchDirectory, string what, params string[] argv)
    {
        string output = Path.Combine(scratchDirectory, $"run-{Environment.ProcessId:x}-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // setsid: the program's processes form their own group, which a timeout kills whole.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec >\"$1\" 2>&1 </dev/null; shift; exec setsid -w \"$@\"");
        start.ArgumentList.Add("grouped");
        start.ArgumentList.Add(output);
        foreach (string arg in argv)
            start.ArgumentList.Add(arg);
        try
        {
            var process = Process.Start(start)
                ?? throw new RollbackException(RollbackErrorKind.Failed, $"{what}: /bin/sh did not start");
            return new GroupedProcess(process, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"{what}: cannot start /bin/sh: {e.Message}", e);
        }
    }

    /// <summary>Runs a shell command line (<c>/bin/sh -c COMMAND</c>) in its own group.</summary>
    public static GroupedProcess StartShell(string scratchDirectory, string what, string command) =>
        Start(scratchDirectory, what, "/bin/sh", "-c", command);

    public int ExitCode => _process.ExitCode;

    /// <summary>True when it exited in time.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>
    /// Waits up to <paramref name="timeout"/>; true when it exited by itself. Otherwise its group is killed: on a
    /// timeout (false) and on a cancellation (which is rethrown), so nothing it started outlives the wait.
    /// </summary>
    public async Task<bool> WaitOrKillAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            KillGroup();
            if (cancellation.IsCancellationRequested)
                throw;
            return false;
        }
    }

    public void KillGroup() => KillGroup(_process);

    /// <summary>Kills a process started under setsid and every process of its group.</summary>
    public static void KillGroup(Process process)
    {
        try
        {
            // setsid made the child a group leader: its pid is the group's id.
            Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", "-" + process.Id]) { UseShellExecute = false })?.WaitForExit(5000);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // it ended meanwhile
        }
    }

    public string Tail(int lines = 5) => LastLines(lines) is { Length: > 0 } last ? ": " + last : "";

    /// <summary>The last non-empty lines of its output joined by " | "; "" when it printed nothing.</summary>
    public string LastLines(int lines)
    {
        if (!File.Exists(_output))
            return "";
        var all = File.ReadAllLines(_output).Where(l => l.Trim().Length > 0);
        return string.Join(" | ", all.TakeLast(lines)).Trim();
    }

    public void Dispose()
    {
        _process.Dispose();
        File.Delete(_output);
    }
}
