using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Store;
using Kernel.Update.Rollback.Triggers;

namespace Kernel.Update.Rollback.Tests.Triggers;

/// <summary>Hysteresis and the policy's brakes: what may turn a sustained Critical into a rollback, and what may not.</summary>
public sealed class TriggerPolicyTests
{
    [Fact]
    public void OnlyACriticalComponentCriticalForBadSamplesInARowFires()
    {
        var evaluator = new TriggerEvaluator(3);
        Assert.Null(evaluator.Observe(Sample(("app", true, HealthLevel.Critical), ("logs", false, HealthLevel.Critical))));
        Assert.Null(evaluator.Observe(Sample(("app", true, HealthLevel.Critical), ("logs", false, HealthLevel.Critical))));
        Assert.Null(evaluator.Observe(Sample(("app", true, HealthLevel.Warning), ("logs", false, HealthLevel.Critical)))); // the streak ends
        Assert.Null(evaluator.Observe(Sample(("app", true, HealthLevel.Critical))));
        Assert.Null(evaluator.Observe(Sample(("app", true, HealthLevel.Critical))));
        var trigger = evaluator.Observe(Sample(("app", true, HealthLevel.Critical), ("logs", false, HealthLevel.Critical)));
        Assert.NotNull(trigger);
        Assert.Equal(["app"], trigger.FailingComponents); // a non-critical component is reported, never acted on
        Assert.Equal(TriggerKind.ServiceFailure, trigger.Kind);
        Assert.Contains("app critical in 3 samples in a row: tcp 127.0.0.1:1: refused", trigger.Reason);
        Assert.Null(evaluator.Observe(Sample(("app", true, HealthLevel.Critical)))); // counting starts again after a trigger
    }

    [Fact]
    public void TheTriggerKindIsTheMostSpecificOfTheFailingProbes()
    {
        var evaluator = new TriggerEvaluator(1);
        var sample = new SystemHealth(HealthLevel.Critical,
        [
            new ComponentHealth("db", true, HealthLevel.Critical,
            [
                new ProbeResult("command sqlite3 integrity_check", HealthLevel.Critical, "exit 1", TriggerKind.Corruption),
                new ProbeResult("pidfile /run/db.pid", HealthLevel.Critical, "not running", TriggerKind.ServiceFailure),
            ]),
            new ComponentHealth("disk", true, HealthLevel.Critical, [new ProbeResult("disk /", HealthLevel.Critical, "3% free", TriggerKind.CriticalError)]),
        ], DateTimeOffset.UtcNow);
        var trigger = evaluator.Observe(sample)!;
        Assert.Equal(TriggerKind.Corruption, trigger.Kind);
        Assert.Equal(["db", "disk"], trigger.FailingComponents);
        Assert.Equal(["disk"], new TriggerEvaluator(1).Observe(sample, only: ["disk"])!.FailingComponents);
    }

    [Fact]
    public void TheGateHonoursThePolicyTheCapPerBootAndTheCooldown()
    {
        using var bed = Bed(""" "enabled": true, "triggers": ["ServiceFailure"], "maxPerBoot": 2, "cooldownSeconds": 60 """, out string bootId);
        var now = DateTimeOffset.UtcNow;
        var gate = new TriggerGate(bed.Config, () => now);
        var trigger = new TriggerEvent(TriggerKind.ServiceFailure, "app down", ["app"]);

        Assert.Null(gate.WhyNot(trigger));
        Assert.Contains("CriticalError is not among autoRollback.triggers", gate.WhyNot(trigger with { Kind = TriggerKind.CriticalError }));
        gate.Record();
        Assert.Contains("cooling down", gate.WhyNot(trigger));
        now += TimeSpan.FromSeconds(61);
        Assert.Null(gate.WhyNot(trigger));
        gate.Record();
        now += TimeSpan.FromSeconds(61);
        Assert.Contains("2 automatic rollbacks in this boot already (autoRollback.maxPerBoot 2)", gate.WhyNot(trigger));
        Assert.Contains("maxPerBoot", new TriggerGate(bed.Config, () => now).WhyNot(trigger)); // durable: a restarted monitor sees it

        File.WriteAllText(bootId, "another-boot\n");
        Assert.Null(gate.WhyNot(trigger)); // a new boot, a new allowance
    }

    [Fact]
    public void NoTriggerWhileAnotherOperationRunsOrIsInterruptedOrWhenDisabled()
    {
        using var bed = Bed(""" "enabled": true """, out _);
        var trigger = new TriggerEvent(TriggerKind.ServiceFailure, "app down", ["app"]);
        var gate = new TriggerGate(bed.Config);
        using (var holder = System.Diagnostics.Process.Start("flock", [Path.Combine(bed.Store, "lock"), "sleep", "30"])!)
        {
            Assert.True(SpinWait.SpinUntil(() => gate.WhyNot(trigger) is not null, TimeSpan.FromSeconds(30)));
            Assert.Contains("another operation holds the store", gate.WhyNot(trigger));
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        Assert.True(SpinWait.SpinUntil(() => gate.WhyNot(trigger) is null, TimeSpan.FromSeconds(30)));
        var journal = new JournalLayout(bed.Store);
        Directory.CreateDirectory(journal.Directory);
        File.WriteAllText(journal.Current, "");
        Assert.Contains("waits for 'rollbackctl recover'", gate.WhyNot(trigger));
        File.Delete(journal.Current);

        using var off = Bed(""" "enabled": false """, out _);
        Assert.Contains("disabled", new TriggerGate(off.Config).WhyNot(trigger));
    }

    private static StoreTestBed Bed(string policy, out string bootId)
    {
        var bed = StoreTestBed.WithOneTree("app", "app", extraJson: null);
        bootId = bed.Scratch("boot_id");
        File.WriteAllText(bootId, "first-boot\n");
        File.WriteAllText(bed.ConfigPath, File.ReadAllText(bed.ConfigPath).Replace("\"components\"",
            $$""" "boot": { "bootIdFile": "{{bootId}}" }, "autoRollback": { {{policy}} }, "components" """));
        bed.Snapshot("first");
        return bed;
    }

    private static SystemHealth Sample(params (string Name, bool Critical, HealthLevel Level)[] components) =>
        new(HealthLevel.Good, [.. components.Select(c => new ComponentHealth(c.Name, c.Critical, c.Level,
            c.Level == HealthLevel.Good ? [] : [new ProbeResult("tcp 127.0.0.1:1", c.Level, "refused", TriggerKind.ServiceFailure)]))], DateTimeOffset.UtcNow);
}
