using Kernel.Update.Rollback.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary><c>rollbackctl health</c> through the real CLI: a report (exit 0 whatever the health), refusing only a bad config.</summary>
public sealed partial class HealthCliTests : HealthBedTests
{
    /// <summary>Probes whose verdicts and details depend only on what the test sets up.</summary>
    private void Deterministic()
    {
        Directory.CreateDirectory(Bed.Live("run"));
        File.WriteAllText(Bed.Live("run/ready"), "");
        Bed.Config("""
            [
              { "name": "app", "category": "SystemServices", "path": "opt/app", "critical": true, "health": [
                  { "type": "file", "path": "run/ready" },
                  { "type": "pidfile", "path": "run/app.pid", "level": "Warning" },
                  { "type": "command", "command": "echo checked 3 tables", "timeoutSeconds": 60 } ] },
              { "name": "db", "category": "Database", "path": "var/db", "health": [
                  { "type": "command", "command": "echo page 7 is damaged >&2; exit 3", "trigger": "Corruption", "timeoutSeconds": 60 } ] },
              { "name": "etc", "category": "Configuration", "path": "etc", "critical": true }
            ]
            """);
    }

    [Fact]
    public void TheJsonReportHasTheSystemLevelAndEveryComponentAndProbe()
    {
        Deterministic();
        var result = CliRunner.RunWithConfig(Bed.ConfigPath, "health", "--json").EnsureSuccess();
        string json = new SnapshotRoles().Add(Bed.Root, "root").Mask("at").Apply(result.StdOut);
        Snapshot.Match(json);
    }

    [Fact]
    public void TheTableShowsTheSystemLevelOnTopAndOneRowPerProbeAndTheExitIsZeroWhateverTheHealth()
    {
        Deterministic();
        var result = CliRunner.RunWithConfig(Bed.ConfigPath, "health").EnsureSuccess();
        string[] lines = result.StdOut.Split('\n');
        Assert.StartsWith("System: Warning (3 component(s) checked, 2 critical, at ", lines[0]);
        Assert.Matches(@"^COMPONENT +CRITICAL +LEVEL +PROBE +VERDICT +DETAIL$", lines[2]);
        Assert.Matches(@"^app +yes +Warning +file run/ready +Good +\S+/run/ready exists$", lines[3]);
        Assert.Matches(@"^ +pidfile run/app\.pid +Warning +pid file \S+ does not exist$", lines[4]);
        Assert.Matches(@"^db +no +Critical +command echo page 7 is damaged >&2; exit 3 +Critical +exited 3: page 7 is damaged$", lines[6]);
        Assert.Matches(@"^etc +yes +Good +- +- +no probes configured$", lines[7]);
    }

    [Fact]
    public void ComponentsNarrowsTheReportAndAnUnknownNameIsRefused()
    {
        Deterministic();
        using var json = CliRunner.RunWithConfig(Bed.ConfigPath, "health", "--components", "db", "--json").EnsureSuccess().Json();
        var components = json.RootElement.GetProperty("components");
        Assert.Equal("db", Assert.Single(components.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("Good", json.RootElement.GetProperty("level").GetString()); // db is not critical

        var refused = CliRunner.RunWithConfig(Bed.ConfigPath, "health", "--components", "dbb").Expect(2);
        Assert.Contains("component 'dbb' is not in the configuration (known: app, db, etc)", refused.StdErr);
    }

    [Fact]
    public void ABadProbeConfigIsRefusedWithExitTwoNamingTheComponentTheProbeAndTheKey()
    {
        Bed.WriteConfig("""
            [{ "name": "app", "category": "SystemServices", "path": "opt/app", "health": [
                { "type": "http", "url": "https://127.0.0.1/health" },
                { "type": "tcp", "host": "127.0.0.1", "port": 99999 } ] }]
            """);
        var result = CliRunner.RunWithConfig(Bed.ConfigPath, "health").Expect(2);
        Assert.Empty(result.StdOut);
        Assert.Contains("component app health[0] (http) has an https:// url", result.StdErr);
        Assert.Contains("use a command probe with curl", result.StdErr);
        Assert.Contains("component app health[1] (tcp) has port 99999, outside 1..65535", result.StdErr);
    }

    [Fact]
    public void WithoutSystemctlAUnitProbeFailsSayingSo()
    {
        Bed.Config("""[{ "name": "app", "category": "SystemServices", "path": "opt/app", "critical": true, "health": [{ "type": "unit", "unit": "app.service" }] }]""");
        string emptyPath = Directory.CreateDirectory(Bed.Scratch("empty-path")).FullName;
        var result = CliRunner.Run(["--config", Bed.ConfigPath, "health", "--json"], environment: new Dictionary<string, string?> { ["PATH"] = emptyPath })
            .EnsureSuccess();
        using var json = result.Json();
        var probe = json.RootElement.GetProperty("components")[0].GetProperty("probes")[0];
        Assert.Equal("Critical", probe.GetProperty("level").GetString());
        Assert.Equal("ServiceFailure", probe.GetProperty("trigger").GetString());
        Assert.StartsWith("systemctl is not installed (not on PATH), so unit app.service cannot be checked", probe.GetProperty("detail").GetString());
        Assert.Equal("Critical", json.RootElement.GetProperty("level").GetString());
    }
}
