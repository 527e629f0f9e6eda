using System.Text.Json;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>The outcome of one <c>rollbackctl</c> run.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>The full process result (command line, elapsed time, timeout).</summary>
    public required ProcessResult Process { get; init; }

    /// <summary>Parses stdout as one JSON document (for <c>--json</c> commands).</summary>
    public JsonDocument Json()
    {
        try
        {
            return JsonDocument.Parse(StdOut);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"stdout is not one JSON document ({e.Message}):\n{Process.Describe()}", e);
        }
    }

    /// <summary>Throws with the command and both streams unless the exit code is the expected one.</summary>
    public CliResult Expect(int exitCode)
    {
        if (ExitCode != exitCode)
        {
            throw new Xunit.Sdk.XunitException($"expected exit code {exitCode}, got {ExitCode}:\n{Process.Describe()}");
        }
        return this;
    }

    public CliResult EnsureSuccess() => Expect(0);

    public override string ToString() => Process.Describe();
}

/// <summary>
/// Runs the built <c>rollbackctl</c> CLI. The test project references tools/rollbackctl, so
/// <c>rollbackctl.dll</c> sits next to the test assembly and runs as
/// <c>dotnet &lt;AppContext.BaseDirectory&gt;/rollbackctl.dll args…</c> with the same dotnet host as
/// this process. Environment <c>ROLLBACKCTL</c> overrides it: a path to a native executable (e.g.
/// the NativeAOT publish) or to a <c>.dll</c>.
/// </summary>
public static class CliRunner
{
    public static TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The dotnet host of this process (<see cref="Environment.ProcessPath"/> when it is dotnet), else "dotnet".</summary>
    public static string DotnetHost
    {
        get
        {
            var p = Environment.ProcessPath;
            return p is not null && Path.GetFileName(p) is "dotnet" or "dotnet.exe" ? p : "dotnet";
        }
    }

    /// <summary>The CLI the runner uses: (file to execute, leading arguments).</summary>
    public static (string FileName, IReadOnlyList<string> Prefix) Command
    {
        get
        {
            var overridePath = Environment.GetEnvironmentVariable("ROLLBACKCTL");
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                return overridePath.EndsWith(".dll", StringComparison.Ordinal)
                    ? (DotnetHost, [overridePath])
                    : (overridePath, []);
            }
            var dll = Path.Combine(AppContext.BaseDirectory, "rollbackctl.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException(
                    $"rollbackctl.dll is not next to the test assembly ({AppContext.BaseDirectory}); does the test project reference tools/rollbackctl/rollbackctl.csproj? Set ROLLBACKCTL to override.", dll);
            }
            return (DotnetHost, [dll]);
        }
    }

    public static CliResult Run(params string[] args) => Run(args, workingDirectory: null);

    /// <summary>Starts <c>rollbackctl args…</c> and SIGKILLs it after <paramref name="delayMs"/>, as a power cut would;
    /// true if it was still running then (false: it had finished on its own).</summary>
    public static bool RunAndKillAfter(int delayMs, params string[] args) => RunAndKillAfterTimed(delayMs, args).Killed;

    /// <summary>As <see cref="RunAndKillAfter"/>, with how long the process lived (its whole run when not killed).</summary>
    public static (bool Killed, long ElapsedMs) RunAndKillAfterTimed(int delayMs, params string[] args)
    {
        var (file, prefix) = Command;
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in prefix.Concat(args))
            start.ArgumentList.Add(arg);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start)!;
        bool exited = process.WaitForExit(delayMs);
        if (!exited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return (!exited, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// Moments (ms after start) to SIGKILL a CLI run at, spread evenly over the part of the run after the process has
    /// started: the start-up (runtime, JIT) is measured with <c>rollbackctl list</c>, the whole run by <paramref name="run"/>
    /// (which must leave the state as it found it), each as the median of three, so one slow run does not push every
    /// moment past the end of the operation.
    /// </summary>
    public static int[] KillMoments(string configPath, int moments, Action run, Action reset)
    {
        var (from, to) = KillWindow(configPath, run, reset);
        var result = new int[moments];
        for (int m = 0; m < moments; m++)
            result[m] = (int)(from + (to - from) * (m + 0.5) / moments);
        return result;
    }

    /// <summary>
    /// Kills a CLI run at <paramref name="moments"/> moments spread over it (<see cref="KillMoments"/>), each through
    /// <paramref name="killAt"/>, which kills at the delay given, recovers, checks, and says whether the kill landed inside
    /// the operation. The moments come from timed runs, and on a shared machine the load can change between the timing
    /// and the kills: a round that landed fewer than <paramref name="wanted"/> kills inside is timed again and repeated,
    /// at most three rounds. Returns the kills inside and the kills tried.
    /// </summary>
    public static (int Inside, int Tried) KillInRounds(string configPath, int moments, int wanted, Action run, Action reset, Func<int, int, bool> killAt)
    {
        int inside = 0, tried = 0;
        for (int round = 0; round < 3 && inside < wanted; round++)
            foreach (int delay in KillMoments(configPath, moments, run, reset))
                inside += killAt(tried++, delay) ? 1 : 0;
        return (inside, tried);
    }

    /// <summary>The span (ms after start) worth killing a CLI run in, measured as for <see cref="KillMoments"/>: from
    /// just before the start-up ends to a little after the whole run <paramref name="run"/> has ended.</summary>
    public static (int From, int To) KillWindow(string configPath, Action run, Action reset)
    {
        long startup = MedianMs(() => RunWithConfig(configPath, "list").EnsureSuccess(), () => { });
        long whole = Math.Max(MedianMs(run, reset), startup + 50);
        return ((int)(startup * 0.8), (int)(whole * 1.1));
    }

    private static long MedianMs(Action action, Action reset)
    {
        var times = new long[3];
        for (int i = 0; i < times.Length; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            action();
            times[i] = watch.ElapsedMilliseconds;
            reset();
        }
        Array.Sort(times);
        return times[1];
    }

    /// <summary>Runs <c>rollbackctl --config CONFIG args…</c>.</summary>
    public static CliResult RunWithConfig(string configPath, params string[] args) =>
        Run(new[] { "--config", configPath }.Concat(args));

    public static CliResult Run(IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? stdIn = null)
    {
        var (file, prefix) = Command;
        var env = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        if (environment is not null)
        {
            foreach (var (k, v) in environment) { env[k] = v; }
        }
        var result = ProcessRunner.Run(new ProcessOptions
        {
            FileName = file,
            Arguments = prefix.Concat(args).ToArray(),
            WorkingDirectory = workingDirectory,
            Timeout = timeout ?? DefaultTimeout,
            Environment = env,
            StdIn = stdIn is null ? null : System.Text.Encoding.UTF8.GetBytes(stdIn),
        });
        if (result.TimedOut)
        {
            throw new TimeoutException($"rollbackctl timed out:\n{result.Describe()}");
        }
        return new CliResult(result.ExitCode, result.StdOut, result.StdErr) { Process = result };
    }
}
