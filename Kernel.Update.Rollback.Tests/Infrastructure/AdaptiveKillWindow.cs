namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>
/// The span (ms after start) to SIGKILL a CLI run in, kept true while the test runs. A window measured once at the
/// start goes stale on a shared machine: measured while other tests load both cores, it ends long after the run does
/// once they finish, and every later kill lands after the commit (CI saw 2 of 80 inside). So every run that finished
/// before its kill moment pulls the end of the window to just past how long that run took, and a kill near the end of
/// the window pushes it out a little, in case the run has grown slower; a run shorter than the measured start-up moves
/// the start down too.
/// </summary>
public sealed class AdaptiveKillWindow((int From, int To) measured)
{
    private const double Margin = 1.1;
    private const int MinimumSpanMs = 20;

    public int From { get; private set; } = measured.From;

    public int To { get; private set; } = measured.To;

    /// <summary>A seeded moment in the current window.</summary>
    public int Next(Random random) => random.Next(From, To + 1);

    /// <summary>Kills <c>rollbackctl args…</c> at <paramref name="delayMs"/> and learns from it; true if the kill landed
    /// while the process ran.</summary>
    public bool RunAndKill(int delayMs, params string[] args)
    {
        var run = CliRunner.RunAndKillAfterTimed(delayMs, args);
        if (!run.Killed)
        {
            // The start-up was measured under load too: a whole run shorter than it moves the start down as well.
            if (run.ElapsedMs < From + MinimumSpanMs)
                From = (int)(run.ElapsedMs / 2);
            To = Math.Max(From + MinimumSpanMs, (int)(run.ElapsedMs * Margin));
        }
        else if (delayMs >= From + (To - From) * 0.9)
            To = (int)(To * Margin);
        return run.Killed;
    }

    public override string ToString() => $"({From}, {To})";
}
