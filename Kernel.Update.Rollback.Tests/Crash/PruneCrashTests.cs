using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Retention;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>A prune that removes points and rewrites packs, with the power cut after each of its durable steps: the
/// store verifies, the points it keeps are all there, and a second prune finishes the job.</summary>
public sealed class PruneCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task APruneCutAtAnyDurableStepKeepsEveryPointItKeepsWhole()
    {
        using var bed = new CrashBed();
        DeviceVersions.WriteV1(bed);
        bed.Snapshot("v1");
        DeviceVersions.WriteV2(bed);
        bed.Snapshot("v2");
        File.WriteAllBytes(bed.Live("var/data/db"), TestFiles.RandomBytes(20, 50 << 10));
        var third = bed.Snapshot("v3");
        File.WriteAllBytes(bed.Live("boot/vmlinuz"), TestFiles.RandomBytes(21, 96 << 10));
        var fourth = bed.Snapshot("v4");
        var all = bed.Catalog.Points.Select(p => p.Id).ToHashSet();
        var policy = new RetentionPolicy(MaxPerCategory: 2, MaxTotal: 2);
        var live = bed.Fingerprints(["boot", "var/data"]);

        using var explorer = new CrashExplorer(bed.Root);
        await explorer.ExploreAsync(
            () => Task.FromResult(new Pruner(bed.Store, policy, 3, NullLogger.Instance).Prune()),
            bed.RecoverAsync,
            () =>
            {
                bed.AssertStoreVerifies();
                var points = bed.Catalog.Points.Select(p => p.Id).ToList();
                Assert.Subset(all, points.ToHashSet());
                Assert.Contains(third.Id, points);
                Assert.Contains(fourth.Id, points);
                foreach (var (path, fingerprint) in live)
                    Assert.Empty(bed.Fingerprint(path).Differences(fingerprint));
                new Pruner(bed.Store, policy, 3, NullLogger.Instance).Prune();
                bed.AssertStoreVerifies();
                Assert.Equal(2, bed.Catalog.Points.Count);
            },
            seeds: 4);
        output.WriteLine($"prune: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 3, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
