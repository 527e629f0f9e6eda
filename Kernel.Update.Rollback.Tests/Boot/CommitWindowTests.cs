using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Boot;

/// <summary>
/// <c>update --commit-after</c> through the real CLI: health is watched for the window after a successful update; a
/// quiet window confirms it (its state becomes the last-known-good), a critical component rolls it back. The service
/// is a real daemon the update command restarts.
/// </summary>
public sealed class CommitWindowTests
{
    [Fact]
    public void AHealthyWindowConfirmsTheUpdate()
    {
        using var bed = Bed(out string pid);
        try
        {
            var result = CliRunner.RunWithConfig(bed.ConfigPath, "update", "--components", "app", "--commit-after", "1500ms", "--json", "--",
                "/bin/sh", "-c", $"printf v2 > {bed.Live("app/version")}; {Restart(pid)}").EnsureSuccess();
            using var json = result.Json();
            Assert.Equal("Committed", json.RootElement.GetProperty("result").GetString());
            var catalog = bed.Catalog;
            Assert.Null(catalog.PendingUpdatePointId);
            var good = catalog.Points.Single(p => p.LastKnownGood);
            Assert.Equal(json.RootElement.GetProperty("confirmedPointId").GetString(), good.Id);
            Assert.Equal("v2", File.ReadAllText(bed.Live("app/version")));
            Assert.Empty(FailureReports.All(bed.Store));
        }
        finally
        {
            Kill(pid);
        }
    }

    [Fact]
    public void AServiceThatDiesInTheWindowRollsTheUpdateBack()
    {
        using var bed = Bed(out string pid);
        try
        {
            // The new build starts, then dies a moment later: the update command itself succeeded.
            var result = CliRunner.RunWithConfig(bed.ConfigPath, "update", "--components", "app", "--commit-after", "30s", "--json", "--",
                "/bin/sh", "-c", $"printf v2 > {bed.Live("app/version")}; {Restart(pid, lifetime: "0.3")}");
            Assert.Equal(1, result.ExitCode);
            using var json = result.Json();
            Assert.Equal("RolledBack", json.RootElement.GetProperty("result").GetString());
            Assert.Equal("ServiceFailure", json.RootElement.GetProperty("trigger").GetString());
            Assert.Equal("v1", File.ReadAllText(bed.Live("app/version")));
            Assert.Null(bed.Catalog.PendingUpdatePointId);
            var report = Assert.Single(FailureReports.All(bed.Store));
            Assert.Contains("within the commit window", report.Reason);
        }
        finally
        {
            Kill(pid);
        }
    }

    private static string Restart(string pid, string lifetime = "1000") =>
        $"if [ -f {pid} ]; then kill $(cat {pid}) 2>/dev/null; fi; sleep {lifetime} >/dev/null 2>&1 & echo $! > {pid}";

    private static void Kill(string pid)
    {
        if (File.Exists(pid))
            ProcessRunner.Run("/bin/sh", "-c", $"kill -KILL $(cat {pid}) 2>/dev/null; true");
    }

    private static StoreTestBed Bed(out string pid)
    {
        var bed = new StoreTestBed("[]");
        pid = bed.Scratch("app.pid");
        File.WriteAllText(bed.ConfigPath, $$"""
            { "root": "{{bed.Root}}", "store": "{{bed.Store}}",
              "monitor": { "intervalSeconds": 0.1, "badSamples": 2 },
              "components": [{ "name": "app", "category": "SystemServices", "path": "app", "critical": true,
                "services": [{ "start": "{{Restart(pid).Replace("\"", "\\\"")}}", "stop": "if [ -f {{pid}} ]; then kill $(cat {{pid}}) 2>/dev/null; fi; true" }],
                "health": [{ "type": "pidfile", "path": "{{pid}}" }] }] }
            """);
        Directory.CreateDirectory(bed.Live("app"));
        File.WriteAllText(bed.Live("app/version"), "v1");
        ProcessRunner.Run("/bin/sh", "-c", Restart(pid)).EnsureSuccess();
        return bed;
    }
}
