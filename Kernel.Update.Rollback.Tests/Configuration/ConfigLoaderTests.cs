using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Configuration;

public class ConfigLoaderTests
{
    [Fact]
    public void TheMinimalFormGetsEveryDefault()
    {
        var config = ConfigText.Parse("""{ "root": "/device", "store": "/srv/store", "components": [{ "name": "etc", "category": "Configuration", "path": "etc" }] }""");

        Assert.Equal("/device", config.Root);
        Assert.Equal("/srv/store", config.Store);
        Assert.Equal(ConfigText.Source, config.SourcePath);
        Assert.Equal(new RetentionSettings(5, 10), config.Retention);
        Assert.Equal(new ChunkingSettings(16384, 65536, 262144), config.Chunking);
        Assert.Equal(new CompressionSettings(3), config.Compression);
        Assert.Equal(16L << 20, config.ReserveBytes);
        Assert.Equal(BootSettings.Default, config.Boot);

        var etc = Assert.Single(config.Components);
        Assert.Equal(("etc", ComponentCategory.Configuration, "etc"), (etc.Name, etc.Category, etc.Path));
        Assert.Empty(etc.DependsOn);
        Assert.Empty(etc.Services);
        Assert.False(etc.Critical);
        Assert.Same(etc, config.Graph.Get("etc"));
    }

    [Fact]
    public void RootAndStoreDefaultToTheDeviceLocations()
    {
        var config = ConfigText.Parse("""{ "components": [{ "name": "etc", "category": "Configuration", "path": "etc" }] }""");
        Assert.Equal("/", config.Root);
        Assert.Equal("/var/lib/rollback", config.Store);
        Assert.Equal("/etc", config.Locate(config.Components[0]));
    }

    [Fact]
    public void ARelativeRootOrStoreIsTakenFromTheConfigFilesDirectory()
    {
        var config = ConfigLoader.Parse("""{ "root": "device", "store": "../store/", "components": [{ "name": "etc", "category": "Configuration", "path": "etc" }] }""",
            "/srv/demo/rollback.json");
        Assert.Equal("/srv/demo/device", config.Root);
        Assert.Equal("/srv/store", config.Store);
        Assert.Equal("/srv/demo/device/etc", config.Locate(config.Components[0]));
    }

    [Fact]
    public void EveryOptionalSettingIsRead()
    {
        var config = ConfigText.Parse("""
            {
              // people edit this by hand: comments and trailing commas are fine
              "root": "/device",
              "store": "/data/rollback",
              "reserveBytes": 1048576,
              "retention": { "maxPerCategory": 2, "maxTotal": 4 },
              "chunking": { "minSize": 4096, "avgSize": 16384, "maxSize": 65536 },
              "compression": { "level": 19 },
              "boot": { "maxAttempts": 5, "rebootCommand": "reboot -f" },
              "components": [
                { "name": "kernel", "category": "KernelCore", "block": "/dev/mmcblk0p1", "critical": true },
                { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["kernel"],
                  "services": [ { "unit": "app.service" }, { "start": "/opt/app/run", "stop": "pkill app", "timeoutSeconds": 5 }, ] },
              ],
            }
            """);
        Assert.Equal(1 << 20, config.ReserveBytes);
        Assert.Equal(new RetentionSettings(2, 4), config.Retention);
        Assert.Equal(new ChunkingSettings(4096, 16384, 65536), config.Chunking);
        Assert.Equal(19, config.Compression.Level);
        Assert.Equal(BootSettings.Default with { MaxAttempts = 5, RebootCommand = "reboot -f" }, config.Boot);

        var kernel = config.Graph.Get("kernel");
        Assert.True(kernel.IsBlock);
        Assert.True(kernel.Critical);
        Assert.Equal("/dev/mmcblk0p1", config.Locate(kernel));

        var app = config.Graph.Get("app");
        Assert.Equal(["kernel"], app.DependsOn);
        Assert.Equal([ServiceSpec.ForUnit("app.service"), ServiceSpec.ForCommands("/opt/app/run", "pkill app", 5)], app.Services);
        Assert.Equal(30, app.Services[0].TimeoutSeconds);
    }

    [Fact]
    public void ARelativeBlockIsAnImageUnderTheRoot()
    {
        var config = ConfigText.Parse(ConfigText.With("""{ "name": "rootfs", "category": "KernelCore", "block": "images/./rootfs.img" }"""));
        Assert.Equal("images/rootfs.img", config.Components[0].Block);
        Assert.Equal("/device/images/rootfs.img", config.Locate(config.Components[0]));
    }

    [Fact]
    public void TheWholeRootCanBeOneComponent()
    {
        var config = ConfigLoader.Parse("""{ "root": "/srv/rootfs", "store": "/srv/store", "components": [{ "name": "all", "category": "Other", "path": "." }] }""", ConfigText.Source);
        Assert.Equal("/srv/rootfs", config.Locate(config.Components[0]));
    }

    [Fact]
    public void AMissingFileIsRefusedNamingThePathAndTheOption()
    {
        string path = Path.Combine(Path.GetTempPath(), "rollback-no-such-dir-" + Guid.NewGuid().ToString("N"), "rollback.json");
        var e = Assert.Throws<RollbackException>(() => ConfigLoader.Load(path));
        Assert.Equal(RollbackErrorKind.InvalidInput, e.Kind);
        Assert.Equal(ExitCodes.Refused, e.ExitCode);
        Assert.Contains(path, e.Message);
        Assert.Contains("--config", e.Message);
    }

    [Fact]
    public void AFileIsLoadedAndItsDirectoryAnchorsRelativePaths()
    {
        string dir = Directory.CreateTempSubdirectory("rollback-config-").FullName;
        try
        {
            string path = Path.Combine(dir, "rollback.json");
            File.WriteAllText(path, """{ "root": "device", "store": "store", "components": [{ "name": "etc", "category": "Configuration", "path": "etc" }] }""");
            var config = ConfigLoader.Load(path);
            Assert.Equal(path, config.SourcePath);
            Assert.Equal(Path.Combine(dir, "device"), config.Root);
            Assert.Equal(Path.Combine(dir, "store"), config.Store);
            Assert.False(Directory.Exists(config.Root)); // a missing root is fine at load: the demo creates it
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheDefaultPathIsUnderEtc() => Assert.Equal("/etc/rollback/rollback.json", ConfigLoader.DefaultPath);
}
