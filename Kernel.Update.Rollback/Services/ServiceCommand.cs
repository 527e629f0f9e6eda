using System.Diagnostics;
using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Services;

/// <summary>
/// Stops or starts one service and waits for it, up to its timeout: a systemd unit through
/// <c>systemctl stop|start UNIT</c> (systemctl waits for the job), or the config's shell command, which must be
/// idempotent (after a crash it may run again).
/// A command's output goes to a scratch file, not a pipe: a daemon it leaves running would hold a pipe open and
/// the wait would never end. On a timeout the whole process group is killed. Failures name the service, the
/// action, the exit code and the last lines of its output.
/// </summary>
public static class ServiceCommand
{
    public enum Action
    {
        Stop,
        Start,
    }

    public static void Run(string component, ServiceSpec service, Action action, string scratchDirectory, CancellationToken cancellation)
    {
        string verb = action == Action.Stop ? "stop" : "start";
        string? command = service.IsUnit ? null : action == Action.Stop ? service.Stop : service.Start;
        if (!service.IsUnit && command is null)
            return; // a command service may have only one of the two
        string output = Path.Combine(scratchDirectory, $"service-{Environment.ProcessId:x}-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // setsid: the service's processes form their own group, which a timeout kills whole.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec >\"$1\" 2>&1 </dev/null; shift; exec setsid -w \"$@\"");
        start.ArgumentList.Add("service");
        start.ArgumentList.Add(output);
        if (service.IsUnit)
        {
            start.ArgumentList.Add("systemctl");
            start.ArgumentList.Add(verb);
            start.ArgumentList.Add(service.Unit!);
        }
        else
        {
            start.ArgumentList.Add("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command!);
        }
        try
        {
            using var process = Process.Start(start)
                ?? throw new RollbackException(RollbackErrorKind.Failed, $"component {component}: cannot {verb} service {service}: /bin/sh did not start");
            if (!process.WaitForExit(TimeSpan.FromSeconds(service.TimeoutSeconds)))
            {
                KillGroup(process);
                throw new RollbackException(RollbackErrorKind.Timeout,
                    $"component {component}: service {service} did not {verb} within {service.TimeoutSeconds} s{Tail(output)}");
            }
            cancellation.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
                throw new RollbackException(RollbackErrorKind.Failed,
                    $"component {component}: service {service} failed to {verb} (exit code {process.ExitCode}){Tail(output)}");
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Kills a process started under setsid and every process of its group.</summary>
    internal static void KillGroup(Process process)
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

    private static string Tail(string path)
    {
        if (!File.Exists(path))
            return "";
        var lines = File.ReadAllLines(path);
        return lines.Length == 0 ? "" : ": " + string.Join(" | ", lines.TakeLast(5));
    }
}
