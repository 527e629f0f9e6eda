using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Health;

/// <summary>
/// Runs one probe within its timeout and turns whatever happens into a verdict: a probe that fails, times out or
/// cannot run at all is a failing probe whose detail says why. Only the caller's cancellation gets out.
/// </summary>
internal static class ProbeRunner
{
    public static async Task<ProbeResult> RunAsync(string component, ProbeSpec spec, ProbeEnvironment environment, ILogger logger,
        CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(TimeSpan.FromSeconds(spec.TimeoutSeconds));
        ProbeOutcome outcome;
        try
        {
            outcome = await Dispatch(spec, environment, limit.Token, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Log.ProbeTimedOut(logger, component, spec.Describe(), spec.TimeoutSeconds);
            outcome = ProbeOutcome.Fail($"no answer within {spec.TimeoutSeconds} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything a probe throws (an unreadable /proc file, a refused syscall) is a verdict about the device, not a bug to crash on.
            outcome = ProbeOutcome.Fail($"the probe could not run: {e.Message}");
        }
        var result = new ProbeResult(spec.Describe(), outcome.Level ?? spec.FailLevel, outcome.Detail, spec.Trigger);
        if (result.Level == HealthLevel.Good)
            Log.ProbeGood(logger, component, result.Probe, result.Detail);
        else
            Log.ProbeNotGood(logger, component, result.Probe, result.Level, result.Detail);
        return result;
    }

    /// <param name="limit">Fires at the probe's timeout (or on <paramref name="cancellation"/>).</param>
    /// <param name="cancellation">The caller's; the process probes keep their own time, so that they can kill what they started.</param>
    private static Task<ProbeOutcome> Dispatch(ProbeSpec spec, ProbeEnvironment environment, CancellationToken limit, CancellationToken cancellation) => spec switch
    {
        UnitProbeSpec unit => UnitProbe.CheckAsync(unit, environment.ScratchDirectory, cancellation),
        CommandProbeSpec command => CommandProbe.CheckAsync(command, environment.ScratchDirectory, cancellation),
        TcpProbeSpec tcp => TcpProbe.CheckAsync(tcp, limit),
        HttpProbeSpec http => HttpProbe.CheckAsync(http, limit),
        PidFileProbeSpec pidFile => Blocking(() => PidFileProbe.Check(environment.Locate(pidFile.Path)), limit),
        FileProbeSpec file => Blocking(() => FileProbe.Check(file, environment.Locate(file.Path), DateTimeOffset.UtcNow), limit),
        MemoryProbeSpec memory => Blocking(() => MemoryProbe.Check(memory), limit),
        DiskProbeSpec disk => Blocking(() => DiskProbe.Check(disk, environment.Locate(disk.Path)), limit),
        LoadProbeSpec load => Blocking(() => LoadProbe.Check(load), limit),
        _ => throw new UnreachableException($"no runner for probe kind {spec.Kind}"),
    };

    // File-system and /proc reads are quick, but one on a hung mount can block for good: it runs on a pool thread,
    // so a stuck probe costs that thread and its timeout, never the whole check.
    private static Task<ProbeOutcome> Blocking(Func<ProbeOutcome> probe, CancellationToken limit) =>
        Task.Run(probe, limit).WaitAsync(limit);
}
