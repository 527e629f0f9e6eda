using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Health;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>How the checker combines verdicts into component and system levels, and how it runs the probes.</summary>
public sealed class HealthCheckerTests : HealthBedTests
{
    private const string Components = """
        [
          { "name": "app", "category": "SystemServices", "path": "opt/app", "critical": true, "health": [
              { "type": "command", "command": "true", "timeoutSeconds": 60 },
              { "type": "command", "command": "false", "level": "Warning", "timeoutSeconds": 60 } ] },
          { "name": "web", "category": "SystemServices", "path": "opt/web", "health": [
              { "type": "command", "command": "false", "timeoutSeconds": 60 },
              { "type": "command", "command": "false", "level": "Degraded", "timeoutSeconds": 60 } ] },
          { "name": "etc", "category": "Configuration", "path": "etc", "critical": true }
        ]
        """;

    [Fact]
    public async Task AComponentIsItsWorstProbeAndTheSystemItsWorstCriticalComponent()
    {
        var health = await Bed.CheckAsync(Bed.Config(Components));
        Assert.Equal(["app", "web", "etc"], health.Components.Select(c => c.Component));
        Assert.Equal([HealthLevel.Warning, HealthLevel.Critical, HealthLevel.Good], health.Components.Select(c => c.Level));
        Assert.Equal([true, false, true], health.Components.Select(c => c.Critical));
        // web is Critical but not critical to the device: the system is app's Warning.
        Assert.Equal(HealthLevel.Warning, health.Level);
        Assert.Empty(health.Components[2].Probes);
        Assert.Equal([HealthLevel.Good, HealthLevel.Warning], health.Components[0].Probes.Select(p => p.Level));
    }

    [Fact]
    public async Task ASubsetChecksOnlyTheNamedComponentsInDeclarationOrder()
    {
        var checker = new HealthChecker(Bed.Config(Components), NullLogger.Instance);
        var health = await checker.CheckAsync(["etc", "web", "etc"]);
        Assert.Equal(["web", "etc"], health.Components.Select(c => c.Component));
        Assert.Equal(HealthLevel.Good, health.Level);

        var none = await checker.CheckAsync(["web"]);
        Assert.Equal(HealthLevel.Good, none.Level); // no critical component among those checked
    }

    [Fact]
    public async Task AnUnknownComponentIsRefusedNamingTheKnownOnes()
    {
        var checker = new HealthChecker(Bed.Config(Components), NullLogger.Instance);
        var e = await Assert.ThrowsAsync<RollbackException>(() => checker.CheckAsync(["db"]));
        Assert.Equal(RollbackErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'db'", e.Message);
        Assert.Contains("known: app, web, etc", e.Message);
    }

    [Fact]
    public async Task TheProbesRunAtTheSameTime()
    {
        // Each command waits for the other's mark: run one after the other, the first would wait until its timeout.
        string a = Bed.Scratch("a"), b = Bed.Scratch("b");
        var config = Bed.App($$"""
            { "type": "command", "command": "touch '{{a}}'; while [ ! -e '{{b}}' ]; do sleep 0.05; done", "timeoutSeconds": 120 },
            { "type": "command", "command": "touch '{{b}}'; while [ ! -e '{{a}}' ]; do sleep 0.05; done", "timeoutSeconds": 120 }
            """);
        var health = await Bed.CheckAsync(config);
        Assert.All(health.Components[0].Probes, p => Assert.Equal(HealthLevel.Good, p.Level));
    }

    [Fact]
    public async Task CancellingTheCheckKillsTheProbesCommandsAndThrows()
    {
        string started = Bed.Scratch("started"), childPid = Bed.Scratch("child.pid");
        var config = Bed.App($$"""{ "type": "command", "command": "sleep 300 & echo $! > '{{childPid}}'; touch '{{started}}'; wait", "timeoutSeconds": 600 }""");
        using var cancellation = new CancellationTokenSource();
        var check = Bed.CheckAsync(config, cancellation.Token);
        for (int i = 0; i < 600 && !File.Exists(started); i++)
            await Task.Delay(50);
        Assert.True(File.Exists(started), "the command did not start within 30 s");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check);
        int child = int.Parse(File.ReadAllText(childPid).Trim());
        for (int i = 0; i < 600 && PidFileProbe.State(child) is not (null or 'Z' or 'X'); i++)
            await Task.Delay(50);
        Assert.True(PidFileProbe.State(child) is null or 'Z' or 'X', "the command's child outlived the cancelled check");
    }

    [Fact]
    public async Task TheSampleIsStampedWithItsTime()
    {
        var before = DateTimeOffset.UtcNow;
        var health = await Bed.CheckAsync(Bed.Config(Components));
        Assert.InRange(health.At, before, DateTimeOffset.UtcNow);
    }
}
