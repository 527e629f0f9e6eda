using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Cli;

/// <summary>The command-line contract of DESIGN.md, run against the real rollbackctl.</summary>
public sealed class CliContractTests
{
    private static StoreTestBed Bed()
    {
        var bed = StoreTestBed.WithOneTree("etc", "etc");
        File.WriteAllText(bed.Live("etc/hostname"), "device\n");
        File.WriteAllText(bed.Live("etc/app.conf"), "a=1\n");
        return bed;
    }

    [Fact]
    public void SnapshotWithJsonPrintsOneObjectWithItsId()
    {
        using var bed = Bed();
        var result = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot", "--name", "first", "--json").EnsureSuccess();
        using var json = result.Json();
        string id = json.RootElement.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{12}$", id);
        Assert.Equal("first", json.RootElement.GetProperty("name").GetString());

        using var list = CliRunner.RunWithConfig(bed.ConfigPath, "list", "--json").EnsureSuccess().Json();
        Assert.Equal(id, list.RootElement.GetProperty("points")[0].GetProperty("id").GetString());
        using var show = CliRunner.RunWithConfig(bed.ConfigPath, "show", id, "--json").EnsureSuccess().Json();
        Assert.Equal("etc", show.RootElement.GetProperty("components")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void RestoreToRecreatesTheComponentUnderItsPath()
    {
        using var bed = Bed();
        string id = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot", "--json").EnsureSuccess().Json().RootElement.GetProperty("id").GetString()!;
        string target = bed.Scratch("out");
        CliRunner.RunWithConfig(bed.ConfigPath, "restore", id, "--to", target).EnsureSuccess();
        Assert.Equal("device\n", File.ReadAllText(Path.Combine(target, "etc/hostname")));
    }

    [Fact]
    public void VerifyExitsThreeNamingThePointComponentAndFileOfAFlippedByte()
    {
        using var bed = Bed();
        string id = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot", "--json").EnsureSuccess().Json().RootElement.GetProperty("id").GetString()!;
        CliRunner.RunWithConfig(bed.ConfigPath, "verify").EnsureSuccess();
        string pack = Directory.EnumerateFiles(Path.Combine(bed.Store, "packs"), "*.pack").Single();
        var bytes = File.ReadAllBytes(pack);
        bytes[^2] ^= 0xFF;
        File.WriteAllBytes(pack, bytes);

        var result = CliRunner.RunWithConfig(bed.ConfigPath, "verify").Expect(3);

        Assert.Contains(id, result.StdErr);
        Assert.Contains("component etc", result.StdErr);
        Assert.Contains("file ", result.StdErr);
    }

    [Fact]
    public void ABadConfigurationIsRefusedWithExitTwo()
    {
        using var dir = new TempDirectory();
        string config = dir.Combine("bad.json");
        File.WriteAllText(config, """{ "root": "/", "store": "/tmp/x", "components": [{ "name": "a", "category": "Nope", "path": "a" }] }""");
        var result = CliRunner.RunWithConfig(config, "list").Expect(2);
        Assert.Contains("Nope", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr); // no stack trace without --verbose
    }

    [Fact]
    public void AMissingConfigurationIsRefusedNamingThePath()
    {
        var result = CliRunner.Run("--config", "/nonexistent/rollback.json", "list").Expect(2);
        Assert.Contains("/nonexistent/rollback.json", result.StdErr);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("snapshot", "--no-such-option")]
    [InlineData("show")]
    [InlineData("restore", "abc")]
    public void UsageErrorsExitTwo(params string[] args) => CliRunner.Run(args).Expect(2);

    [Fact]
    public void AnUnknownRecoveryPointIsNotFound()
    {
        using var bed = Bed();
        var result = CliRunner.RunWithConfig(bed.ConfigPath, "show", "000000000000");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("000000000000", result.StdErr);
    }

    [Fact]
    public void HelpListsEveryCommand()
    {
        var result = CliRunner.Run("--help").EnsureSuccess();
        foreach (string command in new[] { "snapshot", "list", "show", "restore", "verify", "prune", "demo" })
            Assert.Contains(command, result.StdOut);
    }

    [Fact]
    public void EachCommandsHelpHasItsUsageEveryOptionItsExitCodesAndAnExample()
    {
        foreach (var spec in Kernel.Update.Rollback.Cli.Commands.CommandTable.Specs)
        {
            if (spec.Hidden)
                continue;
            string help = Kernel.Update.Rollback.Cli.Commands.HelpCommand.ForCommand(spec);
            Assert.StartsWith("usage: rollbackctl " + spec.Name, help);
            foreach (var option in spec.Options)
                Assert.Contains("\n  " + option.Name, help);
            Assert.Equal(spec.HasJson, help.Contains("\n  --json", StringComparison.Ordinal));
            Assert.Contains("Exit codes:\n  0", help);
            Assert.Contains("Examples:\n  rollbackctl " + spec.Name, help);
        }
        var cli = CliRunner.Run("help", "rollback").EnsureSuccess();
        Assert.Contains("--incremental", cli.StdOut);
        Assert.Equal(cli.StdOut, CliRunner.Run("rollback", "--help").EnsureSuccess().StdOut);
        Assert.Equal(2, CliRunner.Run("help", "rollbak").ExitCode);
    }

    [Fact]
    public void ACommandWithoutJsonRefusesJsonAndSaysSoInJson()
    {
        var result = CliRunner.Run("help", "--json").Expect(2);
        using var json = result.Json();
        Assert.Contains("no --json form", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void TheDemoSaysHowItWentInJson()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("demo", "--json", "--dir", dir.Combine("demo")).EnsureSuccess();
        using var json = result.Json();
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("title").GetString()!).ToList();
        Assert.Equal(7, steps.Count);
        Assert.Contains(steps, s => s.StartsWith("The health monitor samples", StringComparison.Ordinal));
        Assert.False(json.RootElement.TryGetProperty("keptIn", out _));
    }

    [Fact]
    public void TheDemoRunsEndToEndAndProvesTheRestore()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("demo", "--dir", dir.Combine("demo")).EnsureSuccess();
        Assert.Contains("answered 500", result.StdOut); // the update broke the service, and health saw it
        Assert.Contains("trigger ServiceFailure on app", result.StdOut);
        Assert.Contains("rolled back, in order: app, data", result.StdOut); // partial: the failing component and its dependent
        Assert.Contains("back to before the update", result.StdOut);
        Assert.Contains("16 of 128 chunks of the kernel image differ", result.StdOut);
        Assert.Contains("restored in order: kernel, drivers, config, app, data", result.StdOut);
        Assert.Contains("identical to the confirmed device", result.StdOut);
        Assert.DoesNotContain("DIFFERENT", result.StdOut);
        Assert.DoesNotContain("NOT GOOD", result.StdOut);
        Assert.Contains("verify exits 3", result.StdOut);
        Assert.False(Directory.Exists(dir.Combine("demo")) && Directory.EnumerateFileSystemEntries(dir.Combine("demo")).Any());
        // The demo's service process is gone with its sandbox.
        var left = Directory.EnumerateDirectories("/proc").Where(p => int.TryParse(Path.GetFileName(p), out _))
            .Where(p => { try { return File.ReadAllText(Path.Combine(p, "cmdline")).Contains(dir.Combine("demo")); } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } });
        Assert.Empty(left);
    }
}
