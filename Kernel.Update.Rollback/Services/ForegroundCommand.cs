using System.Diagnostics;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Services;

/// <summary>
/// Runs a program in its own session with this process's standard streams (an update's installer, the reboot
/// command: their output is for the person or the journal watching), waits up to a limit, and on a timeout or a
/// cancel kills its whole process group, so nothing it started is left writing to the device.
/// </summary>
public static class ForegroundCommand
{
    /// <summary>The exit code, or null when it ran out of time (and was killed).</summary>
    public static async Task<int?> RunAsync(IReadOnlyList<string> command, TimeSpan? timeout, CancellationToken cancellation)
    {
        if (command.Count == 0)
            throw new RollbackException(RollbackErrorKind.InvalidInput, "no command to run");
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (string argument in command)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RollbackException(RollbackErrorKind.Failed, $"{command[0]} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"cannot run {command[0]}: {e.Message}");
        }
        using (process)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            if (timeout is { } t)
                limit.CancelAfter(t);
            try
            {
                await process.WaitForExitAsync(limit.Token);
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                GroupedProcess.KillGroup(process);
                cancellation.ThrowIfCancellationRequested();
                return null;
            }
        }
    }

    /// <summary>A shell command line, as config files give them.</summary>
    public static Task<int?> RunShellAsync(string commandLine, TimeSpan? timeout, CancellationToken cancellation) =>
        RunAsync(["/bin/sh", "-c", commandLine], timeout, cancellation);
}
