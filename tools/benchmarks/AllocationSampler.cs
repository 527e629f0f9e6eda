using System.Diagnostics.Tracing;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// Listens to the runtime's own GC events: an allocation tick about every 100 KB allocated (the type that crossed
/// it, sampled by size) and the reason of every collection. For <c>snapshot-gc --why</c>: where the bytes go.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _ticks = [];
    private readonly List<string> _collections = [];
    private readonly Lock _lock = new();
    private volatile bool _enabled;

    public void Start() => _enabled = true;

    public void Stop() => _enabled = false;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_enabled || e.Payload is null)
            return;
        lock (_lock)
        {
            if (e.EventName is "GCAllocationTick_V4" or "GCAllocationTick_V3")
            {
                string type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
                long amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
                _ticks[type] = _ticks.GetValueOrDefault(type) + amount;
            }
            else if (e.EventName is "GCStart_V2")
            {
                _collections.Add($"gen{e.Payload[e.PayloadNames!.IndexOf("Depth")]} reason {e.Payload[e.PayloadNames.IndexOf("Reason")]}");
            }
        }
    }

    public void Print(TextWriter output)
    {
        lock (_lock)
        {
            output.WriteLine("allocation ticks (about one per 100 KB, by the type that crossed the mark):");
            foreach (var (type, bytes) in _ticks.OrderByDescending(t => t.Value).Take(15))
                output.WriteLine($"  {bytes,12:N0}  {type}");
            output.WriteLine("collections: " + (_collections.Count == 0 ? "none" : string.Join("; ", _collections)));
        }
    }
}
