using Kernel.Update.Rollback.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace Kernel.Update.Rollback.Tests.Cli;

/// <summary>
/// Outputs people and scripts read, pinned by snapshots (in __snapshots__, reviewed like code). CI runs with
/// SNAPSHOOTER_STRICT_MODE=true, so a missing snapshot fails instead of being written.
/// </summary>
public sealed class CliSnapshotTests
{
    [Fact]
    public void TheHelpText()
    {
        var result = CliRunner.Run("--help").EnsureSuccess();
        Snapshot.Match(result.StdOut);
    }

    [Fact]
    public void EveryConfigurationProblemIsReportedAtOnceNamingItsComponent()
    {
        using var dir = new TempDirectory();
        string config = dir.Combine("rollback.json");
        File.WriteAllText(config, """
            {
              "root": "/srv/device",
              "store": "/srv/store",
              "components": [
                { "name": "kernel", "category": "KernelCore", "path": "boot", "dependsOn": ["drivers"] },
                { "name": "drivers", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] },
                { "name": "etc", "category": "Settings", "path": "etc" },
                { "name": "etc", "category": "Configuration", "path": "etc/ssh" },
                { "name": "escape", "category": "Other", "path": "../outside" },
                { "name": "absolute", "category": "Other", "path": "/var" },
                { "name": "nowhere", "category": "Other" },
                { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["ghost"] }
              ]
            }
            """);
        var result = CliRunner.RunWithConfig(config, "list").Expect(2);
        Assert.Empty(result.StdOut);
        Snapshot.Match(result.StdErr.Replace(config, "<config>"));
    }
}
