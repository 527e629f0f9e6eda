using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Monitor;

/// <summary>A fact that needs systemd-analyze (the systemd package), to check unit files as systemd reads them.</summary>
public sealed class SystemdAnalyzeFactAttribute() : FactRequiringAttribute(Facilities.MissingToolsReason("systemd-analyze"));

/// <summary>The unit files in tools/systemd are what systemd accepts, and they run the commands the CLI has.</summary>
public sealed class SystemdUnitTests
{
    private static readonly string Units = RepoRoot.Combine("tools", "systemd");

    [SystemdAnalyzeFact]
    public void TheUnitsVerifyCleanly()
    {
        using var dir = new TempDirectory();
        // systemd-analyze checks that ExecStart's program exists: point it at a real one.
        foreach (string unit in Directory.GetFiles(Units, "*.service"))
            File.WriteAllText(dir.Combine(Path.GetFileName(unit)), File.ReadAllText(unit).Replace("/usr/bin/rollbackctl", "/bin/true"));
        var result = ProcessRunner.Run("systemd-analyze", ["verify", .. Directory.GetFiles(dir.Path, "*.service")]);
        Assert.True(result.ExitCode == 0 && result.StdErr.Trim().Length == 0, result.Describe());
    }

    [Fact]
    public void TheUnitsRunTheMonitorAndTheBootCheckWithItsShutdownHalf()
    {
        string monitor = File.ReadAllText(Path.Combine(Units, "rollback-monitor.service"));
        Assert.Contains("Type=notify", monitor);
        Assert.Contains("WatchdogSec=", monitor);
        Assert.Contains("ExecStart=/usr/bin/rollbackctl monitor", monitor);
        string boot = File.ReadAllText(Path.Combine(Units, "rollback-boot-check.service"));
        Assert.Contains("ExecStart=/usr/bin/rollbackctl boot-check", boot);
        Assert.Contains("ExecStop=/usr/bin/rollbackctl boot-check --shutdown", boot);
        Assert.Contains("RemainAfterExit=yes", boot);
    }
}
