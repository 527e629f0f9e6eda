using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Fidelity;

/// <summary>
/// Fidelity on a real root file system: a Debian minbase tree enriched with what it lacks (hard links,
/// a file capability, ACLs, a sparse file, setuid, a FIFO, device nodes, a socket), snapshotted and
/// restored with the real CLI, compared by <c>bsdtar --format=mtree</c> (sha256, type, mode, uid, gid,
/// time, link, device, nlink) and <c>getfattr -R -d -m - -h</c>.
/// </summary>
public sealed class MinbaseFidelityTests(MinbaseTree minbase) : IClassFixture<MinbaseTree>
{
    [MinbaseFact]
    public void TheWholeRootAsOneComponentRestoresIdentically()
    {
        using var work = new TempDirectory();
        string config = WriteConfig(work, """[{ "name": "rootfs", "category": "Other", "path": "." }]""");

        var snapshot = CliRunner.RunWithConfig(config, "snapshot", "--name", "fidelity", "--json").EnsureSuccess();
        string id = snapshot.Json().RootElement.GetProperty("id").GetString()!;
        Assert.Contains("socket", snapshot.StdErr); // skipped, with a warning naming it

        string restored = work.Combine("restored");
        CliRunner.RunWithConfig(config, "restore", id, "--to", restored).EnsureSuccess();
        TreeComparer.AssertEqual(minbase.Root, restored);
        CliRunner.RunWithConfig(config, "verify", id).EnsureSuccess();

        // The oracle is not blind: a changed mode, a lost capability and a shifted mtime are each seen.
        var listing = TreeComparer.Capture(restored);
        File.SetUnixFileMode(Path.Combine(restored, "etc/hostname"), UnixFileMode.UserRead);
        ProcessRunner.Run(new ProcessOptions { FileName = "setcap", Arguments = ["-r", Path.Combine(restored, "kur-enrich/bin/cap-true")] });
        File.SetLastWriteTimeUtc(Path.Combine(restored, "etc/debian_version"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var changed = TreeComparer.Compare(listing, TreeComparer.Capture(restored));
        Assert.Equal(3, changed.Differences.Count);
    }

    [MinbaseFact]
    public void ComponentsSplitAcrossTheTreeRestoreEachAtItsPath()
    {
        using var work = new TempDirectory();
        string config = WriteConfig(work, """
            [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "services", "category": "SystemServices", "path": "usr" },
              { "name": "state", "category": "UserData", "path": "var", "dependsOn": ["config"] },
              { "name": "extras", "category": "Other", "path": "kur-enrich" }
            ]
            """);

        string first = CliRunner.RunWithConfig(config, "snapshot", "--json").EnsureSuccess().Json().RootElement.GetProperty("id").GetString()!;
        // A second, incremental point reads nothing new and restores just as faithfully.
        var second = CliRunner.RunWithConfig(config, "snapshot", "--json").EnsureSuccess().Json().RootElement;
        string secondId = second.GetProperty("id").GetString()!;
        Assert.NotEqual(first, secondId);
        Assert.Equal(0, second.GetProperty("readBytes").GetInt64());

        string restored = work.Combine("restored");
        CliRunner.RunWithConfig(config, "restore", secondId, "--to", restored).EnsureSuccess();
        var options = new TreeCompareOptions { CompareRoot = false };
        foreach (string path in new[] { "etc", "usr", "var", "kur-enrich" })
            TreeComparer.AssertEqual(Path.Combine(minbase.Root, path), Path.Combine(restored, path), options);
    }

    private string WriteConfig(TempDirectory work, string components)
    {
        string path = work.Combine("rollback.json");
        File.WriteAllText(path, $$"""
            { "root": "{{minbase.Root}}", "store": "{{work.Combine("store")}}", "components": {{components}} }
            """);
        return path;
    }
}
