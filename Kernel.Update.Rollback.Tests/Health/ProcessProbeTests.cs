using System.Diagnostics;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>The pidfile, command and unit probes, on real processes.</summary>
public sealed class ProcessProbeTests : HealthBedTests
{
    [Fact]
    public async Task APidFileProbeIsGoodWhileTheProcessRunsAndCriticalOnceItIsKilled()
    {
        using var sleeper = Process.Start("sleep", "300");
        Directory.CreateDirectory(Bed.Live("run"));
        File.WriteAllText(Bed.Live("run/app.pid"), sleeper.Id + "\n");
        const string probe = """{ "type": "pidfile", "path": "run/app.pid" }""";

        var alive = await Bed.ProbeAsync(probe);
        Assert.Equal(HealthLevel.Good, alive.Level);
        Assert.Contains($"process {sleeper.Id} (from {Bed.Live("run/app.pid")}) is running", alive.Detail);

        sleeper.Kill();
        sleeper.WaitForExit();
        var dead = await Bed.ProbeAsync(probe);
        Assert.Equal(HealthLevel.Critical, dead.Level);
        Assert.Equal(TriggerKind.ServiceFailure, dead.Trigger);
        Assert.Contains($"process {sleeper.Id}", dead.Detail);
        Assert.Contains("is not running", dead.Detail);
    }

    [Fact]
    public async Task AZombieCountsAsDead()
    {
        // A parent that forks a child which exits at once, and never reaps it: a zombie. (A shell is no good here: it
        // may reap its background job before it execs, and then there is no zombie.)
        string pidFile = Bed.Live("zombie.pid");
        using var parent = Process.Start("python3", ["-c",
            "import os, sys, time\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nopen(sys.argv[1], 'w').write(str(pid))\ntime.sleep(300)", pidFile]);
        try
        {
            int zombie = await WaitForAsync(() => File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid)
                && PidFileProbe.State(pid) == 'Z' ? pid : (int?)null);
            var result = await Bed.ProbeAsync($$"""{ "type": "pidfile", "path": "{{pidFile}}" }""");
            Assert.Equal(HealthLevel.Critical, result.Level);
            Assert.Contains($"process {zombie}", result.Detail);
            Assert.Contains("zombie", result.Detail);
        }
        finally
        {
            parent.Kill();
            parent.WaitForExit();
        }
    }

    [Theory]
    [InlineData(null, "does not exist")]
    [InlineData("", "holds '', not a process id")]
    [InlineData("twelve\n", "holds 'twelve', not a process id")]
    [InlineData("-5\n", "not a process id")]
    public async Task AMissingOrUnreadablePidFileIsCritical(string? content, string detail)
    {
        if (content is not null)
            File.WriteAllText(Bed.Live("app.pid"), content);
        var result = await Bed.ProbeAsync("""{ "type": "pidfile", "path": "app.pid" }""");
        Assert.Equal(HealthLevel.Critical, result.Level);
        Assert.Contains(detail, result.Detail);
    }

    [Fact]
    public async Task ACommandProbeIsGoodOnExitZeroAndReportsTheExitCodeAndOutputOtherwise()
    {
        var good = await Bed.ProbeAsync("""{ "type": "command", "command": "echo all fine", "timeoutSeconds": 60 }""");
        Assert.Equal(HealthLevel.Good, good.Level);
        Assert.Equal("exited 0: all fine", good.Detail);

        var bad = await Bed.ProbeAsync("""{ "type": "command", "command": "echo table t1 is damaged >&2; exit 3", "timeoutSeconds": 60, "trigger": "Corruption" }""");
        Assert.Equal(HealthLevel.Critical, bad.Level);
        Assert.Equal(TriggerKind.Corruption, bad.Trigger);
        Assert.Equal("exited 3: table t1 is damaged", bad.Detail);
    }

    [Fact]
    public async Task ACommandThatOutlivesItsTimeoutFailsAndItsWholeProcessGroupIsKilled()
    {
        string childPid = Bed.Scratch("child.pid");
        var result = await Bed.ProbeAsync($$"""{ "type": "command", "command": "sleep 300 & echo $! > '{{childPid}}'; echo waiting; wait", "timeoutSeconds": 5 }""");
        Assert.Equal(HealthLevel.Critical, result.Level);
        Assert.StartsWith("did not finish within 5 s; its process group was killed", result.Detail);
        Assert.Contains("waiting", result.Detail);

        int child = int.Parse(File.ReadAllText(childPid).Trim());
        // The kill has been sent when the probe returns; the kernel may take a moment to finish the child off.
        await WaitForAsync(() => PidFileProbe.State(child) is null or 'Z' or 'X' ? true : (bool?)null);
    }

    [Fact]
    public async Task AUnitProbeWithoutARunningSystemdIsAFailingProbeWithAClearDetail()
    {
        var result = await Bed.ProbeAsync("""{ "type": "unit", "unit": "kur-test-no-such-unit.service", "timeoutSeconds": 60 }""");
        Assert.Equal(HealthLevel.Critical, result.Level);
        Assert.Equal("unit kur-test-no-such-unit.service", result.Probe);
        Assert.Contains("kur-test-no-such-unit.service", result.Detail);
        if (!Directory.Exists("/run/systemd/system"))
        {
            Assert.Contains(
                File.Exists("/usr/bin/systemctl") || File.Exists("/bin/systemctl") ? "systemd is not running" : "systemctl is not installed",
                result.Detail);
        }
        else
        {
            Assert.Contains("is inactive", result.Detail); // systemd runs here: a unit it does not know is inactive
        }
    }

    /// <summary>Polls until <paramref name="probe"/> gives a value; generous, because this machine may be busy.</summary>
    private static async Task<T> WaitForAsync<T>(Func<T?> probe) where T : struct
    {
        for (int i = 0; i < 600; i++)
        {
            if (probe() is { } value)
                return value;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("the condition did not come true within 30 s");
    }
}
