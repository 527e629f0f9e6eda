using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// A dependency-ordered partial rollback of trees, with the power cut after each of its durable steps under several
/// damages: after recover, every component in scope equals its target or every one is as it was (the operation had
/// not begun), never a mix; the rest is untouched; the store verifies.
/// </summary>
public sealed class TreeRollbackCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task APartialRollbackCutAtAnyDurableStepIsFinishedOrNeverBegunAfterRecover()
    {
        using var rollback = new PartialRollbackCase();
        using var explorer = new CrashExplorer(rollback.Bed.Root);
        await explorer.ExploreAsync(rollback.RollBackAsync, rollback.Bed.RecoverAsync, rollback.Check, seeds: 4);
        output.WriteLine($"tree rollback: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 3, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
