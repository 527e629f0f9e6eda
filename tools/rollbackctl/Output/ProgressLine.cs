using System.Diagnostics;
using Kernel.Update.Rollback.Capture;

namespace Kernel.Update.Rollback.Cli.Output;

/// <summary>A snapshot's progress bar, redrawn four times a second from its counters while it runs.</summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly Timer? _timer;
    private readonly SnapshotCounters _counters;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ProgressLine(SnapshotCounters counters, bool json)
    {
        _counters = counters;
        if (ProgressBar.Wanted(json))
            _timer = new Timer(_ => Draw(), null, 250, 250);
    }

    private void Draw()
    {
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        long read = Interlocked.Read(ref _counters.BytesRead);
        long total = _counters.BytesToRead;
        int percent = total > 0 ? (int)(read * 100 / total) : 0;
        ProgressBar.Draw(percent, $"{_counters.Phase}: {_counters.EntriesScanned} entries, {Interlocked.Read(ref _counters.FilesRead)}/{_counters.FilesToRead} files, " +
            $"{Units.Bytes(read)} of {Units.Bytes(total)} at {Units.Bytes((long)(read / seconds))}/s");
    }

    public void Dispose()
    {
        if (_timer is null)
            return;
        _timer.Dispose();
        ProgressBar.Clear();
    }
}
