using Kernel.Update.Rollback.Durability;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>The power went out: thrown by the seam at the first step after the cut, and at every step after it.</summary>
internal sealed class PowerCutException(int step) : Exception($"power cut before durable step {step + 1}");

/// <summary>
/// Counts the durable steps of one operation, cuts the power before step <c>cutAfter + 1</c> (no step runs after it),
/// and keeps <see cref="Durable"/>: what the disk must still hold after that cut — the state at the start, plus each
/// inode as of its last fsync, each directory's names as of its last fsync, everything as of the last syncfs. Only
/// paths under <see cref="Root"/> are modelled; every test keeps all it writes there.
/// </summary>
internal sealed class PowerCutObserver : IDiskStepObserver
{
    private const int LogLength = 12;
    private readonly Lock _lock = new();
    private readonly int _cutAfter;
    private readonly Queue<string> _recent = new();

    public PowerCutObserver(string root, int cutAfter = int.MaxValue)
    {
        Root = root;
        _cutAfter = cutAfter;
        Durable = DiskImage.Capture(root);
    }

    public string Root { get; }
    public DiskImage Durable { get; private set; }

    /// <summary>Durable steps that ran (begun before the cut).</summary>
    public int Steps { get; private set; }

    public bool Cut { get; private set; }

    /// <summary>The last steps before the cut, for the message of a failing crash state.</summary>
    public string RecentSteps
    {
        get
        {
            lock (_lock)
                return string.Join("\n", _recent);
        }
    }

    public void Before(in DiskStep step)
    {
        lock (_lock)
        {
            if (!Cut && Steps == _cutAfter)
                Cut = true;
            if (Cut)
                throw new PowerCutException(_cutAfter);
            Steps++;
            if (_recent.Count == LogLength)
                _recent.Dequeue();
            _recent.Enqueue($"{Steps}: {Describe(step)}");
        }
    }

    public void After(in DiskStep step)
    {
        lock (_lock)
        {
            // A sync that returns after the cut made nothing durable: the power was already gone.
            if (Cut)
                return;
            switch (step.Kind)
            {
                case DiskStepKind.FsyncFile:
                    Durable.RecordInode(step.Handle!);
                    break;
                case DiskStepKind.FsyncDirectory when IsUnderRoot(step.Path!):
                    Durable.RecordDirectory(step.Path!);
                    break;
                case DiskStepKind.SyncFileSystem:
                    Durable = DiskImage.Capture(Root);
                    break;
            }
        }
    }

    private bool IsUnderRoot(string path) =>
        path == Root || path.StartsWith(Root + "/", StringComparison.Ordinal);

    private static string Describe(in DiskStep step)
    {
        string where = step.Path ?? (step.Name is not null ? $"<dir>/{step.Name}" : step.Handle is not null ? Target(step.Handle) : "?");
        string to = step.ToPath is not null ? " -> " + step.ToPath : step.ToName is not null ? $" -> <dir>/{step.ToName}" : "";
        string range = step.Kind is DiskStepKind.Write ? $" [{step.Offset}+{step.Length}]" : step.Kind is DiskStepKind.SetLength ? $" ={step.Length}" : "";
        return $"{step.Kind} {where}{to}{range}";
    }

    private static string Target(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        try
        {
            return Kernel.Update.Rollback.Native.Posix.ReadLink($"/proc/self/fd/{handle.DangerousGetHandle()}");
        }
        catch (IOException)
        {
            return "<fd>";
        }
    }
}
