using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Health;
using Xunit;
using static Kernel.Update.Rollback.Tests.Configuration.ConfigText;

namespace Kernel.Update.Rollback.Tests.Configuration;

public class ConfigSettingsTests
{
    private const string Etc = """{ "name": "etc", "category": "Configuration", "path": "etc" }""";

    private static string Settings(string settings) => With(Etc, settings + ",");

    [Theory]
    [InlineData("""{ "minSize": 512 }""", "chunking.minSize 512 is outside 1024..16777216")]
    [InlineData("""{ "maxSize": 33554432 }""", "chunking.maxSize 33554432 is outside")]
    [InlineData("""{ "avgSize": 50000 }""", "chunking.avgSize 50000 is not a power of two")]
    [InlineData("""{ "minSize": 65536 }""", "minSize < avgSize < maxSize, but they are 65536, 65536, 262144")]
    [InlineData("""{ "avgSize": 524288 }""", "but they are 16384, 524288, 262144")]
    public void ChunkSizesMustBeOrderedInRangeAndThePowerOfTwoAverage(string chunking, string problem) =>
        Problem(Settings($"\"chunking\": {chunking}"), problem);

    [Fact]
    public void MissingChunkSizesTakeTheirDefaultsOneByOne() =>
        Assert.Equal(new ChunkingSettings(16384, 131072, 262144), Parse(Settings("""  "chunking": { "avgSize": 131072 } """)).Chunking);

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public void ACompressionLevelOutsideOneToNineteenIsReported(int level) =>
        Problem(Settings($$""" "compression": { "level": {{level}} } """), $"compression.level {level} is outside 1..19");

    [Fact]
    public void RetentionLimitsMustBePositive()
    {
        var problems = Problems(Settings(""" "retention": { "maxPerCategory": 0, "maxTotal": -1 } """));
        Assert.Equal(["retention.maxPerCategory 0 must be at least 1", "retention.maxTotal -1 must be at least 1"], problems);
    }

    [Fact]
    public void ANegativeReserveIsReported() => Problem(Settings(""" "reserveBytes": -1 """), "reserveBytes -1 is negative");

    [Fact]
    public void BootSettingsAreCheckedAndCarried()
    {
        Problem(Settings(""" "boot": { "maxAttempts": 0 } """), "boot.maxAttempts 0");
        Problem(Settings(""" "boot": { "rebootCommand": " " } """), "boot.rebootCommand is empty");
        Assert.Equal(BootSettings.Default with { RebootCommand = "/sbin/reboot" }, Parse(Settings(""" "boot": { "rebootCommand": "/sbin/reboot" } """)).Boot);
    }

    [Fact]
    public void MonitorSettingsAreCheckedAndCarried()
    {
        Problem(Settings(""" "monitor": { "intervalSeconds": 0 } """), "monitor.intervalSeconds 0 is outside");
        Problem(Settings(""" "monitor": { "badSamples": 0 } """), "monitor.badSamples 0 is outside");
        Problem(Settings(""" "monitor": { "socket": "run/api.sock" } """), "monitor.socket 'run/api.sock' is not an absolute path");
        Problem(Settings($$""" "monitor": { "socket": "/{{new string('s', 120)}}" } """), "longer than the 107 bytes");
        Problem(Settings(""" "monitor": { "socketGroup": "a:b" } """), "monitor.socketGroup 'a:b' is not a group name");
        Problem(Settings(""" "monitor": { "interval": 3 } """), "interval");
        Problem(Settings(""" "monitor": { "confirmAfterSeconds": 0 } """), "monitor.confirmAfterSeconds 0 is outside");
        Assert.Equal(MonitorSettings.Default with { IntervalSeconds = 0.5, SocketGroup = "rollback" },
            Parse(Settings(""" "monitor": { "intervalSeconds": 0.5, "socketGroup": "rollback" } """)).Monitor);
    }

    [Fact]
    public void AutoRollbackSettingsAreCheckedAndCarried()
    {
        Problem(Settings(""" "autoRollback": { "triggers": ["ServiceFailure", "Meltdown"] } """), "autoRollback.triggers[1] 'Meltdown' is not a trigger");
        Problem(Settings(""" "autoRollback": { "triggers": ["1"] } """), "autoRollback.triggers[0] '1' is not a trigger");
        Problem(Settings(""" "autoRollback": { "maxPerBoot": -1 } """), "autoRollback.maxPerBoot -1 is outside");
        Problem(Settings(""" "autoRollback": { "cooldownSeconds": -1 } """), "autoRollback.cooldownSeconds -1 is outside");
        Problem(Settings(""" "autoRollback": { "maxRollbackSeconds": 0 } """), "autoRollback.maxRollbackSeconds 0 is outside");
        Problem(Settings(""" "autoRollback": { "priorityComponents": ["nosuch"] } """), "autoRollback.priorityComponents names 'nosuch', which is not a component");
        var policy = Parse(Settings(""" "autoRollback": { "enabled": false, "triggers": ["BootFailure"], "maxPerBoot": 1 } """)).AutoRollback;
        Assert.Equal(AutoRollbackSettings.Default with { Enabled = false, Triggers = [TriggerKind.BootFailure], MaxPerBoot = 1 }, policy);
    }

    [Fact]
    public void AnEmptyRootOrStoreIsReported()
    {
        Assert.Equal(["root is empty", "store is empty"], Problems($$"""{ "root": "", "store": "", "components": [{{Etc}}] }"""));
    }
}
