using Kernel.Update.Rollback.Configuration;
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
        Assert.Equal(new BootSettings(3, "/sbin/reboot"), Parse(Settings(""" "boot": { "rebootCommand": "/sbin/reboot" } """)).Boot);
    }

    [Fact]
    public void AnEmptyRootOrStoreIsReported()
    {
        Assert.Equal(["root is empty", "store is empty"], Problems($$"""{ "root": "", "store": "", "components": [{{Etc}}] }"""));
    }
}
