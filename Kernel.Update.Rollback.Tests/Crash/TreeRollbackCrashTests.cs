using Kernel.Update.Rollback.Operations;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// A dependency-ordered partial rollback of trees, with the power cut after each of its durable steps under several
/// damages: after recover, every component in scope equals its target or every one is as it was (the operation had
/// not begun), never a mix; the rest is untouched; the store verifies.
/// </summary>
public sealed class TreeRollbackCrashTests(ITestOutputHelper output)
{
    private static readonly string[] InScope = ["lib/modules", "etc", "opt/app"];
    private static readonly string[] OutOfScope = ["boot", "var/data"];

    [Fact]
    public async Task APartialRollbackCutAtAnyDurableStepIsFinishedOrNeverBegunAfterRecover()
    {
        using var bed = new CrashBed();
        DeviceVersions.WriteV1(bed);
        var target = bed.Snapshot("v1");
        var targetTrees = bed.Fingerprints(InScope);
        DeviceVersions.WriteV2(bed);
        var before = bed.Fingerprints([.. InScope, .. OutOfScope]);

        using var explorer = new CrashExplorer(bed.Root);
        await explorer.ExploreAsync(
            () => bed.System.RollBackAsync(new RollbackRequest(target.Id, ["drivers", "config"], false, true, "crash-test")),
            bed.RecoverAsync,
            () => RollbackInvariants.Check(bed, InScope, targetTrees, before),
            seeds: 4);
        output.WriteLine($"tree rollback: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 3, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
