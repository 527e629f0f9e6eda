using System.Diagnostics;
using Kernel.Update.Rollback.Capture;

namespace Kernel.Update.Rollback.Cli.Output;

/// <summary>A self-rewriting progress line on stderr, shown only when stderr is a terminal (never in logs or pipes).</summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly Timer? _timer;
    private readonly SnapshotCounters _counters;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ProgressLine(SnapshotCounters counters)
    {
        _counters = counters;
        if (!Console.IsErrorRedirected)
            _timer = new Timer(_ => Draw(), null, 250, 250);
    }

    private void Draw()
    {
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        long read = Interlocked.Read(ref _counters.BytesRead);
        Console.Error.Write(
            $"\r{_counters.Phase,-10} {_counters.EntriesScanned} entries, {Interlocked.Read(ref _counters.FilesRead)}/{_counters.FilesToRead} files, " +
            $"{Units.Bytes(read)}/{Units.Bytes(_counters.BytesToRead)} at {Units.Bytes((long)(read / seconds))}/s   ");
    }

    public void Dispose()
    {
        if (_timer is null)
            return;
        _timer.Dispose();
        Console.Error.Write("\r" + new string(' ', 100) + "\r");
    }
}
