using Kernel.Update.Rollback.Boot;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Updates;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// boot-check and mark-good with the power cut after each durable step. boot-check: the boot that reaches
/// boot.maxAttempts rolls the update back to the last-known-good; cut anywhere, the next boot's boot-check ends with
/// the update's components at the last-known-good, the update over, the rest untouched. mark-good: the update is
/// confirmed (a BootGood point equal to the device, last-known-good, nothing pending) or still pending — never one
/// without the other — and a second mark-good confirms it.
/// </summary>
public sealed class BootCrashTests(ITestOutputHelper output)
{
    private static readonly string[] Update = ["boot", "lib/modules"];
    private static readonly string[] Rest = ["etc", "opt/app", "var/data"];

    /// <summary>v1 confirmed good, an update of kernel and drivers pending since boot-1 and applied (v2).</summary>
    private static (CrashBed Bed, RecoveryPointRecord Good, RecoveryPointRecord Pending) PendingUpdate()
    {
        var bed = new CrashBed();
        DeviceVersions.WriteV1(bed);
        var good = UpdateConfirmation.Confirm(bed.Config, NullLogger.Instance);
        var pending = bed.Snapshot("before the update", RecoveryPointReason.PreUpdate, UpdateMark.BeginPending, "kernel", "drivers");
        BootProtection.Begin(bed.Config, pending.Id);
        DeviceVersions.WriteV2(bed);
        return (bed, good, pending);
    }

    [Fact]
    public async Task ABootCheckCutWhileItRollsAFailedUpdateBackEndsAtTheLastKnownGoodOnTheNextBoot()
    {
        var (bed, _, _) = PendingUpdate();
        using var _bed = bed;
        var good = new Dictionary<string, TreeFingerprint>();
        bed.Boot("boot-2");
        Assert.Equal(BootVerdict.Counted, (await new BootProtection(bed.Config, NullLogger.Instance).CheckAsync()).Verdict);
        bed.Boot("boot-3"); // boot-2 failed too: this boot-check reaches maxAttempts 2
        var before = bed.Fingerprints([.. Update, .. Rest]);

        using (var reference = new CrashExplorer(bed.Root))
        {
            // The last-known-good trees: what an uncut boot-check restores.
            var result = await new BootProtection(bed.Config, NullLogger.Instance).CheckAsync();
            Assert.Equal(BootVerdict.RolledBack, result.Verdict);
            foreach (string path in Update)
                good[path] = bed.Fingerprint(path);
            reference.Reset();
        }

        using var explorer = new CrashExplorer(bed.Root);
        int boot = 4;
        await explorer.ExploreAsync(
            () => new BootProtection(bed.Config, NullLogger.Instance).CheckAsync(),
            async () =>
            {
                bed.Boot($"boot-{boot++}");
                await new BootProtection(bed.Config, NullLogger.Instance).CheckAsync();
            },
            () =>
            {
                bed.AssertNothingInterrupted();
                bed.AssertStoreVerifies();
                Assert.Null(bed.Catalog.PendingUpdatePointId);
                foreach (string path in Update)
                    Assert.Empty(bed.Fingerprint(path).Differences(good[path]));
                foreach (string path in Rest)
                    Assert.Empty(bed.Fingerprint(path).Differences(before[path]));
            },
            seeds: 3);
        output.WriteLine($"boot-check: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 2, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }

    [Fact]
    public async Task AMarkGoodCutAtAnyDurableStepLeavesTheUpdateConfirmedOrStillPending()
    {
        var (bed, good, pending) = PendingUpdate();
        using var _bed = bed;
        var live = bed.Fingerprints([.. Update, .. Rest]);

        using var explorer = new CrashExplorer(bed.Root);
        await explorer.ExploreAsync(
            () => Task.FromResult(UpdateConfirmation.Confirm(bed.Config, NullLogger.Instance)),
            bed.RecoverAsync,
            () =>
            {
                bed.AssertStoreVerifies();
                foreach (var (path, fingerprint) in live)
                    Assert.Empty(bed.Fingerprint(path).Differences(fingerprint));
                var catalog = bed.Catalog;
                var lastKnownGood = Assert.Single(catalog.Points, p => p.LastKnownGood);
                if (catalog.PendingUpdatePointId is null)
                {
                    Assert.NotEqual(good.Id, lastKnownGood.Id); // confirmed: the new BootGood point is the last-known-good
                    bed.AssertPointEqualsLive(lastKnownGood);
                }
                else
                {
                    Assert.Equal(pending.Id, catalog.PendingUpdatePointId);
                    Assert.Equal(good.Id, lastKnownGood.Id);
                    UpdateConfirmation.Confirm(bed.Config, NullLogger.Instance);
                    Assert.Null(bed.Catalog.PendingUpdatePointId);
                }
            },
            seeds: 4);
        output.WriteLine($"mark-good: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 3, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
