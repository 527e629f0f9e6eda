using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>The file probe: existence and freshness, with real modification times.</summary>
public sealed class FileProbeTests : HealthBedTests
{
    [Fact]
    public async Task AnExistingFileOrDirectoryIsGoodAndAMissingOneCritical()
    {
        File.WriteAllText(Bed.Live("ready"), "");
        Assert.Equal(HealthLevel.Good, (await Bed.ProbeAsync("""{ "type": "file", "path": "ready" }""")).Level);
        Assert.Equal(HealthLevel.Good, (await Bed.ProbeAsync("""{ "type": "file", "path": "." }""")).Level);

        var missing = await Bed.ProbeAsync("""{ "type": "file", "path": "var/missing" }""");
        Assert.Equal(HealthLevel.Critical, missing.Level);
        Assert.Equal(TriggerKind.CriticalError, missing.Trigger);
        Assert.Equal($"{Bed.Live("var/missing")} does not exist", missing.Detail);
    }

    [Fact]
    public async Task AnAbsolutePathIsTakenAsItIs()
    {
        string outside = Bed.Scratch("outside");
        File.WriteAllText(outside, "");
        var result = await Bed.ProbeAsync($$"""{ "type": "file", "path": "{{outside}}" }""");
        Assert.Equal(HealthLevel.Good, result.Level);
        Assert.Equal($"{outside} exists", result.Detail);
    }

    [Fact]
    public async Task ADanglingSymlinkDoesNotCountAsThere()
    {
        File.CreateSymbolicLink(Bed.Live("link"), Bed.Live("nowhere"));
        Assert.Equal(HealthLevel.Critical, (await Bed.ProbeAsync("""{ "type": "file", "path": "link" }""")).Level);
    }

    [Fact]
    public async Task AFileModifiedWithinMaxAgeIsGoodAndAnOlderOneFails()
    {
        string heartbeat = Bed.Live("heartbeat");
        File.WriteAllText(heartbeat, "");
        const string probe = """{ "type": "file", "path": "heartbeat", "maxAgeSeconds": 600, "level": "Warning" }""";

        File.SetLastWriteTimeUtc(heartbeat, DateTime.UtcNow);
        var fresh = await Bed.ProbeAsync(probe);
        Assert.Equal(HealthLevel.Good, fresh.Level);
        Assert.Contains("(at most 600 s)", fresh.Detail);

        File.SetLastWriteTimeUtc(heartbeat, DateTime.UtcNow.AddHours(-2));
        var stale = await Bed.ProbeAsync(probe);
        Assert.Equal(HealthLevel.Warning, stale.Level);
        Assert.Contains("was last modified", stale.Detail);
        Assert.Contains("more than 600 s", stale.Detail);
    }

    [Fact]
    public async Task AFileFromTheFutureCountsAsFresh()
    {
        string heartbeat = Bed.Live("heartbeat");
        File.WriteAllText(heartbeat, "");
        File.SetLastWriteTimeUtc(heartbeat, DateTime.UtcNow.AddDays(1));
        var result = await Bed.ProbeAsync("""{ "type": "file", "path": "heartbeat", "maxAgeSeconds": 60 }""");
        Assert.Equal(HealthLevel.Good, result.Level);
        Assert.Contains("modified 0 s ago", result.Detail);
    }
}
