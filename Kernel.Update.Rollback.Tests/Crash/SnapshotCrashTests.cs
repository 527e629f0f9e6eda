using Kernel.Update.Rollback.Store.Catalog;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>A snapshot with the power cut after each of its durable steps: the store verifies, the new point is there
/// whole (equal to the live system) or not at all, the live system is untouched, and the next snapshot succeeds.</summary>
public sealed class SnapshotCrashTests(ITestOutputHelper output)
{
    private static readonly string[] Trees = ["boot", "lib/modules", "etc", "opt/app", "var/data"];

    [Fact]
    public async Task ASnapshotCutAtAnyDurableStepLeavesTheNewPointWholeOrAbsent()
    {
        using var bed = new CrashBed();
        DeviceVersions.WriteV1(bed);
        var first = bed.Snapshot("v1");
        DeviceVersions.WriteV2(bed);
        var live = bed.Fingerprints(Trees);

        using var explorer = new CrashExplorer(bed.Root);
        await explorer.ExploreAsync(
            () => Task.FromResult(bed.Snapshot("v2")),
            bed.RecoverAsync,
            () =>
            {
                bed.AssertStoreVerifies();
                foreach (var (path, fingerprint) in live)
                    Assert.Empty(bed.Fingerprint(path).Differences(fingerprint));
                var points = bed.Catalog.Points;
                Assert.Contains(points, p => p.Id == first.Id);
                Assert.InRange(points.Count, 1, 2);
                foreach (var point in points)
                    if (point.Id != first.Id)
                        bed.AssertPointEqualsLive(point);
                var next = bed.Snapshot("after the cut"); // collects what the cut left behind
                bed.AssertStoreVerifies();
                Assert.Contains(bed.Catalog.Points, p => p.Id == next.Id);
            },
            seeds: 4);
        output.WriteLine($"snapshot: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 3, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
