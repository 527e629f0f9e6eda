using System.Globalization;

namespace Kernel.Update.Rollback.Health;

/// <summary>The process whose pid is in a file is alive: /proc/PID exists and its state is not zombie or dead.</summary>
internal static class PidFileProbe
{
    public static ProbeOutcome Check(string pidFile)
    {
        string text;
        try
        {
            text = File.ReadAllText(pidFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ProbeOutcome.Fail($"pid file {pidFile} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ProbeOutcome.Fail($"cannot read pid file {pidFile}: {e.Message}");
        }
        // Daemons write "1234\n"; some add more lines. The first word is the pid.
        string first = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } words ? words[0] : "";
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
            return ProbeOutcome.Fail($"pid file {pidFile} holds '{Shown(text)}', not a process id");

        return State(pid) switch
        {
            null => ProbeOutcome.Fail($"process {pid} (from {pidFile}) is not running"),
            'Z' or 'X' or 'x' => ProbeOutcome.Fail($"process {pid} (from {pidFile}) has exited: it is a zombie its parent has not reaped"),
            char state => ProbeOutcome.Pass($"process {pid} (from {pidFile}) is running (state {state})"),
        };
    }

    /// <summary>The state letter of /proc/PID/stat (R, S, D, Z, ...), or null when there is no such process.</summary>
    internal static char? State(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null; // no such directory, or the process ended while we read (ESRCH)
        }
        // "PID (COMM) S ...": COMM may hold spaces and parentheses, so the state is the letter after the last ')'.
        int close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
    }

    private static string Shown(string text)
    {
        string trimmed = text.Trim();
        return trimmed.Length <= 20 ? trimmed : trimmed[..19] + "…";
    }
}
