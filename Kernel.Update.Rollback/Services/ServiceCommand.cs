using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Services;

/// <summary>
/// Stops or starts one service and waits for it, up to its timeout: a systemd unit through
/// <c>systemctl stop|start UNIT</c> (systemctl waits for the job), or the config's shell command, which must be
/// idempotent (after a crash it may run again).
/// It runs as a <see cref="GroupedProcess"/>: output in a scratch file, and on a timeout the whole process group is
/// killed. Failures name the service, the action, the exit code and the last lines of its output.
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
        string what = $"component {component}: cannot {verb} service {service}";
        using var run = service.IsUnit
            ? GroupedProcess.Start(scratchDirectory, what, "systemctl", verb, service.Unit!)
            : GroupedProcess.StartShell(scratchDirectory, what, command!);
        // A cancel (the caller's, or an automatic rollback's time limit) kills the command's group too, and surfaces
        // as OperationCanceledException: the rollback then reverts.
        if (!run.WaitOrKillAsync(TimeSpan.FromSeconds(service.TimeoutSeconds), cancellation).GetAwaiter().GetResult())
            throw new RollbackException(RollbackErrorKind.Timeout,
                $"component {component}: service {service} did not {verb} within {service.TimeoutSeconds} s{run.Tail()}");
        if (run.ExitCode != 0)
            throw new RollbackException(RollbackErrorKind.Failed,
                $"component {component}: service {service} failed to {verb} (exit code {run.ExitCode}){run.Tail()}");
    }
}
