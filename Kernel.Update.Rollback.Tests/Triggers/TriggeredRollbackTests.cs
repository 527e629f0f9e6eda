using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Store;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Triggers;

/// <summary>The automatic-rollback policy's shape of a rollback: partial or whole, in priority order, within its time.</summary>
public sealed class TriggeredRollbackTests
{
    [Fact]
    public async Task APartialRollbackTakesTheFailingComponentAndItsDependentsInPriorityOrder()
    {
        using var bed = Bed(""" "priorityComponents": ["data"] """);
        var good = bed.Snapshot("good");
        Write(bed, "v2");
        var outcome = await Run(bed, ["config", "data"]);
        Assert.True(outcome.Completed);
        Assert.Equal(good.Id, outcome.Report.TargetPointId);
        Assert.Equal(["data", "config", "app"], outcome.Rollback!.Components); // data before config: a priority, and free to go first
        Assert.Equal("v1", File.ReadAllText(bed.Live("etc/x")));
        Assert.Equal("v2", File.ReadAllText(bed.Live("boot/x"))); // not failing, not dependent: untouched
    }

    [Fact]
    public async Task WithoutPartialRollbacksEveryComponentGoesBack()
    {
        using var bed = Bed(""" "partialAllowed": false """);
        bed.Snapshot("good");
        Write(bed, "v2");
        var outcome = await Run(bed, ["config"]);
        Assert.True(outcome.Completed);
        Assert.Equal(["kernel", "config", "data", "app"], outcome.Rollback!.Components);
        Assert.Equal("v1", File.ReadAllText(bed.Live("boot/x")));
    }

    [Fact]
    public async Task ARollbackPastMaxRollbackSecondsIsCancelledAndReverted()
    {
        // The app's service takes 20 s to stop; the policy allows 1 s for the whole rollback.
        using var bed = Bed(""" "maxRollbackSeconds": 1 """, appServices: """ "services": [{ "stop": "sleep 20", "start": "true", "timeoutSeconds": 60 }], """);
        bed.Snapshot("good");
        Write(bed, "v2");
        var outcome = await Run(bed, ["config"]);
        Assert.False(outcome.Completed);
        Assert.Equal(RollbackPhase.Cancelled, outcome.Rollback!.Phase);
        Assert.Contains("maxRollbackSeconds", outcome.Report.Error);
        Assert.Equal("v2", File.ReadAllText(bed.Live("etc/x"))); // as before the rollback
        Assert.Equal("v2", File.ReadAllText(bed.Live("opt/app/x")));
    }

    /// <summary>A trigger the gate has let through (the gate is TriggerPolicyTests' subject), to the newest good point.</summary>
    private static Task<TriggeredOutcome> Run(StoreTestBed bed, string[] failing)
    {
        var config = bed.Config;
        var rollback = new TriggeredRollback(config, NullLogger.Instance, new RollbackSystem(config, NullLogger.Instance));
        return rollback.RunAsync(new TriggerEvent(TriggerKind.ServiceFailure, "test", failing), TargetRule.LastKnownGoodFirst, "test",
            targetPointId: "latest");
    }

    private static StoreTestBed Bed(string policy, string appServices = "")
    {
        var bed = new StoreTestBed($$"""
            [
              { "name": "kernel", "category": "KernelCore", "path": "boot" },
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "data", "category": "UserData", "path": "var/data" },
              { "name": "app", "category": "SystemServices", "path": "opt/app", {{appServices}} "dependsOn": ["kernel", "config", "data"] }
            ]
            """, $$""" "autoRollback": { {{policy}} } """);
        Write(bed, "v1");
        return bed;
    }

    private static void Write(StoreTestBed bed, string version)
    {
        foreach (string dir in new[] { "boot", "etc", "var/data", "opt/app" })
        {
            Directory.CreateDirectory(bed.Live(dir));
            File.WriteAllText(bed.Live(dir + "/x"), version);
        }
    }
}
