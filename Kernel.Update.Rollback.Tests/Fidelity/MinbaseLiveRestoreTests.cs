using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Fidelity;

/// <summary>
/// Delta restore on a real root file system: the enriched Debian minbase tree, a seeded 5% update (edits,
/// deletions, new files, chmod/chown), then every component restored in place must equal its snapshot by
/// bsdtar mtree + getfattr, and <c>rollbackctl diff</c> must see the update before and nothing after.
/// </summary>
public sealed class MinbaseLiveRestoreTests
{
    [MinbaseFact]
    public void AFivePercentUpdateIsUndoneExactly()
    {
        using var work = MinbaseTree.CreateFresh();
        string root = work.Combine("root");
        string config = work.Combine("rollback.json");
        File.WriteAllText(config, $$"""
            { "root": "{{root}}", "store": "{{work.Combine("store")}}", "components": [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "services", "category": "SystemServices", "path": "usr" },
              { "name": "state", "category": "UserData", "path": "var" },
              { "name": "extras", "category": "Other", "path": "kur-enrich" } ] }
            """);
        string id = CliRunner.RunWithConfig(config, "snapshot", "--json").EnsureSuccess().Json().RootElement.GetProperty("id").GetString()!;

        ProcessRunner.Run(new ProcessOptions { FileName = "python3", Arguments = [RepoRoot.Combine("tools", "bench", "five-percent-update.py"), root] }).EnsureSuccess();
        var before = CliRunner.RunWithConfig(config, "diff", id, "--json").EnsureSuccess().Json().RootElement;
        int changes = before.GetProperty("components").EnumerateArray().Sum(c => c.GetProperty("changes").GetArrayLength());
        Assert.True(changes > 100, $"the update shows as only {changes} changes");

        var rollbackConfig = ConfigLoader.Load(config);
        var store = RecoveryStore.Open(rollbackConfig.Store);
        var point = store.GetPoint(id);
        var live = new LiveComponents(rollbackConfig, store, NullLogger.Instance);
        foreach (var component in point.Components)
            live.Restore(point, component);

        string expected = work.Combine("expected");
        CliRunner.RunWithConfig(config, "restore", id, "--to", expected).EnsureSuccess();
        foreach (string path in new[] { "etc", "usr", "var", "kur-enrich" })
            TreeComparer.AssertEqual(Path.Combine(expected, path), Path.Combine(root, path));
        var after = CliRunner.RunWithConfig(config, "diff", id, "--json").EnsureSuccess().Json().RootElement;
        Assert.All(after.GetProperty("components").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("changes").GetArrayLength()));
    }
}
