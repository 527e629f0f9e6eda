using System.Diagnostics;
using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Diagnostics;

/// <summary>The last lines of a component's services' logs, for a failure report. Only systemd units have a log to
/// ask for (journalctl); where journalctl is missing or fails, the report says so instead.</summary>
public static class ServiceLogs
{
    public const int Lines = 30;

    public static List<ServiceLog> Collect(IEnumerable<Component> components)
    {
        var logs = new List<ServiceLog>();
        string? journalctl = FindOnPath("journalctl");
        foreach (var component in components)
        {
            foreach (var service in component.Services)
            {
                if (!service.IsUnit)
                    logs.Add(new ServiceLog(component.Name, service.ToString(), ["(a command service: its output is not kept by the engine)"]));
                else if (journalctl is null)
                    logs.Add(new ServiceLog(component.Name, service.Unit!, ["(journalctl is not installed: no log to show)"]));
                else
                    logs.Add(new ServiceLog(component.Name, service.Unit!, Tail(journalctl, service.Unit!)));
            }
        }
        return logs;
    }

    private static List<string> Tail(string journalctl, string unit)
    {
        var start = new ProcessStartInfo(journalctl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "--no-pager", "-o", "short-iso", "-n", Lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", unit })
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return ["(journalctl did not answer within 10 s)"];
            }
            var lines = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (process.ExitCode != 0 || lines.Count == 0)
                lines.Add($"(journalctl exited {process.ExitCode}: {error.Result.Trim()})");
            return lines;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return [$"(journalctl could not run: {e.Message})"];
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
