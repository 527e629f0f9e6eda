namespace Kernel.Update.Rollback.Capture;

/// <summary>Live progress of a snapshot, updated by the workers and polled by whoever shows it (no callbacks on the hot path).</summary>
public sealed class SnapshotCounters
{
    public string Phase = "scanning";
    public long EntriesScanned;
    public long FilesToRead;
    public long BytesToRead;
    public long FilesRead;
    public long BytesRead;
    public long BytesAdded;
}
