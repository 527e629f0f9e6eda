using System.Diagnostics;
using System.Text;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>The outcome of one process run.</summary>
public sealed record ProcessResult(
    string FileName,
    IReadOnlyList<string> Arguments,
    int ExitCode,
    string StdOut,
    string StdErr,
    TimeSpan Elapsed,
    bool TimedOut)
{
    /// <summary>The command line, quoted for a reader (not for a shell).</summary>
    public string CommandLine =>
        string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    /// <summary>Throws with the command, exit code and both streams unless the exit code is 0.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (ExitCode != 0 || TimedOut)
        {
            throw new InvalidOperationException(Describe());
        }
        return this;
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CommandLine).Append(TimedOut ? " timed out" : $" exited {ExitCode}")
          .Append(" after ").Append(Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).AppendLine("s");
        if (StdOut.Length > 0) { sb.AppendLine("--- stdout ---").AppendLine(Tail(StdOut)); }
        if (StdErr.Length > 0) { sb.AppendLine("--- stderr ---").AppendLine(Tail(StdErr)); }
        return sb.ToString();
    }

    public override string ToString() => Describe();

    private static string Tail(string s, int max = 4000) =>
        s.Length <= max ? s.TrimEnd() : "…" + s[^max..].TrimEnd();

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,@+%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";
}

/// <summary>Options for <see cref="ProcessRunner.Run(ProcessOptions)"/>.</summary>
public sealed class ProcessOptions
{
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    /// <summary>Default 10 minutes. On expiry the whole process tree is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Variables to set (a null value removes the variable).</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }
    /// <summary>Bytes written to stdin, then stdin is closed. Null: stdin is closed at once.</summary>
    public byte[]? StdIn { get; init; }
}

/// <summary>
/// Runs a process with an argument list (never through a shell string), captures stdout and
/// stderr (UTF-8), the exit code and the elapsed time, and enforces a timeout.
/// </summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, params string[] arguments) =>
        Run(new ProcessOptions { FileName = fileName, Arguments = arguments });

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null, string? stdIn = null) =>
        Run(new ProcessOptions
        {
            FileName = fileName,
            Arguments = arguments.ToArray(),
            WorkingDirectory = workingDirectory,
            Timeout = timeout ?? TimeSpan.FromMinutes(10),
            Environment = environment,
            StdIn = stdIn is null ? null : Encoding.UTF8.GetBytes(stdIn),
        });

    public static ProcessResult Run(ProcessOptions options) =>
        RunAsync(options, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<ProcessResult> RunAsync(ProcessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var psi = new ProcessStartInfo(options.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        if (options.WorkingDirectory is not null)
        {
            psi.WorkingDirectory = options.WorkingDirectory;
        }
        foreach (var a in options.Arguments)
        {
            psi.ArgumentList.Add(a);
        }
        if (options.Environment is not null)
        {
            foreach (var (k, v) in options.Environment)
            {
                if (v is null) { psi.Environment.Remove(k); } else { psi.Environment[k] = v; }
            }
        }

        var sw = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start '{options.FileName}': {e.Message}", e);
        }

        var stdoutTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdinTask = Task.Run(async () =>
        {
            try
            {
                if (options.StdIn is { Length: > 0 } input)
                {
                    await process.StandardInput.BaseStream.WriteAsync(input, CancellationToken.None).ConfigureAwait(false);
                }
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child closed stdin early (EPIPE): not our failure.
            }
        }, CancellationToken.None);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(options.Timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (!timedOut) { throw; }
        }
        await stdinTask.ConfigureAwait(false);
        var stdout = await stdoutTask.ConfigureAwait(false);
        var stderr = await stderrTask.ConfigureAwait(false);
        sw.Stop();
        return new ProcessResult(options.FileName, options.Arguments, timedOut ? -1 : process.ExitCode,
            stdout, stderr, sw.Elapsed, timedOut);
    }
}
