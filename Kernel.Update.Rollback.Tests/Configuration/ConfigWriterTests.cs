using Kernel.Update.Rollback.Configuration;
using Xunit;
using static Kernel.Update.Rollback.Tests.Configuration.ConfigText;

namespace Kernel.Update.Rollback.Tests.Configuration;

public class ConfigWriterTests
{
    private const string Full = """
        {
          "root": "/device", "store": "/store", "reserveBytes": 4096,
          "retention": { "maxPerCategory": 2, "maxTotal": 3 },
          "chunking": { "minSize": 2048, "avgSize": 8192, "maxSize": 32768 },
          "compression": { "level": 7 },
          "boot": { "maxAttempts": 2, "rebootCommand": "reboot" },
          "components": [
            { "name": "kernel", "category": "KernelCore", "block": "/dev/mmcblk0p1", "critical": true },
            { "name": "app", "category": "SystemServices", "path": "opt/app/", "dependsOn": ["kernel"],
              "services": [{ "unit": "app.service", "timeoutSeconds": 9 }, { "start": "run", "stop": "halt" }] }
          ]
        }
        """;

    [Fact]
    public void AWrittenConfigReadsBackTheSame()
    {
        var config = Parse(Full);
        string json = ConfigWriter.ToJson(config);
        var again = Parse(json);

        Assert.Equal(json, ConfigWriter.ToJson(again));
        Assert.Equal((config.Root, config.Store, config.ReserveBytes), (again.Root, again.Store, again.ReserveBytes));
        Assert.Equal((config.Retention, config.Chunking, config.Compression, config.Boot), (again.Retention, again.Chunking, again.Compression, again.Boot));
        Assert.Equal((config.Monitor, config.AutoRollback), (again.Monitor, again.AutoRollback));
        Assert.Equal(config.Components.Select(c => c.ToString()), again.Components.Select(c => c.ToString()));
        Assert.Equal(config.Graph.Get("app").Services, again.Graph.Get("app").Services);
        Assert.True(again.Graph.Get("kernel").Critical);
    }

    [Fact]
    public void TheWrittenJsonIsCamelCaseAndLeavesOutWhatIsNotSet()
    {
        string json = ConfigWriter.ToJson(new ConfigDocument
        {
            Root = "device",
            Store = "store",
            Components = [new ComponentDocument { Name = "etc", Category = "Configuration", Path = "etc" }],
        });
        Assert.Contains("\"components\": [", json);
        Assert.Contains("\"category\": \"Configuration\"", json);
        Assert.DoesNotContain("null", json);
        Assert.DoesNotContain("block", json);
        Assert.DoesNotContain("retention", json);
    }

    [Fact]
    public void WriteReplacesTheFileWhole()
    {
        string dir = Directory.CreateTempSubdirectory("rollback-writer-").FullName;
        try
        {
            string path = Path.Combine(dir, "rollback.json");
            File.WriteAllText(path, "old and much longer content than the new file will have, to catch a missing truncate" + new string('x', 4000));
            ConfigWriter.Write(path, Parse(Full));
            var loaded = ConfigLoader.Load(path);
            Assert.Equal(["kernel", "app"], loaded.Components.Select(c => c.Name));
            Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
