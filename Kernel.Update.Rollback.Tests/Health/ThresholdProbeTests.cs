using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>
/// The memory, disk and load probes on this machine's real /proc and file systems, with thresholds set so that the
/// verdict is certain whatever the machine: 0 bytes free is never "below 1", nothing is below long.MaxValue bytes,
/// and a load average is always at least 0.
/// </summary>
public sealed class ThresholdProbeTests : HealthBedTests
{
    private const long Most = long.MaxValue;

    [Fact]
    public async Task MemoryIsGoodAboveEveryThresholdAndCriticalBelowTheCriticalOne()
    {
        var good = await Bed.ProbeAsync("""{ "type": "memory", "criticalBelow": 1 }""");
        Assert.Equal(HealthLevel.Good, good.Level);
        Assert.Matches(@"^[0-9.]+ [KMGT]?i?B available \(critical below 1 B\)$", good.Detail);

        var critical = await Bed.ProbeAsync($$"""{ "type": "memory", "warningBelow": {{Most}}, "criticalBelow": {{Most}} }""");
        Assert.Equal(HealthLevel.Critical, critical.Level);
        Assert.Equal(TriggerKind.CriticalError, critical.Trigger);
    }

    [Fact]
    public async Task TheWorstThresholdCrossedDecides()
    {
        var warning = await Bed.ProbeAsync($$"""{ "type": "memory", "degradedBelow": {{Most}}, "warningBelow": {{Most}}, "criticalBelow": 1 }""");
        Assert.Equal(HealthLevel.Warning, warning.Level);
        var degraded = await Bed.ProbeAsync($$"""{ "type": "disk", "path": ".", "degradedBelow": {{Most}}, "warningBelow": 1 }""");
        Assert.Equal(HealthLevel.Degraded, degraded.Level);
    }

    [Fact]
    public async Task DiskIsMeasuredOnTheFileSystemOfThePath()
    {
        var good = await Bed.ProbeAsync("""{ "type": "disk", "path": ".", "criticalBelow": 0 }""");
        Assert.Equal(HealthLevel.Good, good.Level);
        Assert.Contains($"available on the file system of {Bed.Root}", good.Detail);

        var critical = await Bed.ProbeAsync($$"""{ "type": "disk", "path": "/", "criticalBelow": {{Most}} }""");
        Assert.Equal(HealthLevel.Critical, critical.Level);
        Assert.Contains("on the file system of /", critical.Detail);

        var missing = await Bed.ProbeAsync("""{ "type": "disk", "path": "no/such/dir", "criticalBelow": 0 }""");
        Assert.Equal(HealthLevel.Critical, missing.Level);
        Assert.Contains("does not exist", missing.Detail);
    }

    [Fact]
    public async Task LoadIsGoodUnderEveryThresholdAndCriticalAtTheCriticalOne()
    {
        var good = await Bed.ProbeAsync("""{ "type": "load", "warningAbove": 1000000, "criticalAbove": 1000000 }""");
        Assert.Equal(HealthLevel.Good, good.Level);
        Assert.StartsWith("1-minute load average ", good.Detail);

        var critical = await Bed.ProbeAsync("""{ "type": "load", "criticalAbove": 0 }""");
        Assert.Equal(HealthLevel.Critical, critical.Level);
        Assert.EndsWith("(critical at 0)", critical.Detail);
    }

    [Fact]
    public void ThresholdsCompareStrictlyBelowAndAtOrAbove()
    {
        var below = new Thresholds<long>(300, 200, 100);
        Assert.Equal(HealthLevel.Good, below.Below(300));
        Assert.Equal(HealthLevel.Degraded, below.Below(299));
        Assert.Equal(HealthLevel.Warning, below.Below(199));
        Assert.Equal(HealthLevel.Critical, below.Below(99));
        var above = new Thresholds<double>(1, null, 4);
        Assert.Equal(HealthLevel.Good, above.Reached(0.99));
        Assert.Equal(HealthLevel.Degraded, above.Reached(1));
        Assert.Equal(HealthLevel.Critical, above.Reached(4));
    }
}
