using Kernel.Update.Rollback.Durability;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>A power cut during the recovery of a power cut: a partial rollback is cut in the middle of its live
/// changes, then the recover that finishes it is cut after each of its own durable steps; one more recover still
/// brings every component in scope to the target, and nothing else changes.</summary>
public sealed class RecoveryCrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ARecoverCutAtAnyDurableStepIsFinishedByTheNextRecover(int thirds)
    {
        using var rollback = new PartialRollbackCase();
        var bed = rollback.Bed;

        // The first cut: a third or two thirds of the way through the rollback's steps, all unsynced lost.
        int steps;
        using (var counting = new CrashExplorer(bed.Root))
        {
            var counter = new PowerCutObserver(bed.Root);
            using (DiskSteps.Observe(counter))
                await rollback.RollBackAsync();
            steps = counter.Steps;
            counting.Reset();
        }
        var first = new PowerCutObserver(bed.Root, steps * (thirds - 1) / 3 + 3);
        try
        {
            using (DiskSteps.Observe(first))
                await rollback.RollBackAsync();
        }
        catch (Exception) when (first.Cut)
        {
        }
        Assert.True(first.Cut);
        CrashStateWriter.Write(bed.Root, first.Durable, CrashDamage.AllUnsyncedLost, 0);

        using var explorer = new CrashExplorer(bed.Root);
        await explorer.ExploreAsync(
            bed.RecoverAsync,
            bed.RecoverAsync,
            rollback.Check,
            seeds: 3);
        output.WriteLine($"recover after a cut at step {steps * (thirds - 1) / 3 + 3} of {steps}: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 2, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
