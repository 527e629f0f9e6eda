using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Xunit;
using static Kernel.Update.Rollback.Tests.Configuration.ConfigText;

namespace Kernel.Update.Rollback.Tests.Configuration;

/// <summary>One test per rule of the file format, then several broken rules at once.</summary>
public class ConfigValidationTests
{
    private const string Etc = """{ "name": "etc", "category": "Configuration", "path": "etc" }""";

    [Fact]
    public void AnUnknownCategoryIsReportedWithTheValidOnes()
    {
        Problem(With("""{ "name": "a", "category": "Nope", "path": "a" }"""),
            "component a", "'Nope'", "KernelCore, SystemServices, DeviceDrivers, Configuration, UserData, Database, Other");
    }

    [Theory]
    [InlineData("\"kernelcore\"")]
    [InlineData("\"0\"")]
    [InlineData("\"KernelCore,Other\"")]
    public void OnlyTheExactCategoryNamesAreAccepted(string category) =>
        Problem(With($$"""{ "name": "a", "category": {{category}}, "path": "a" }"""), "component a", "unknown category");

    [Fact]
    public void AMissingCategoryIsReported() => Problem(With("""{ "name": "a", "path": "a" }"""), "component a has no category");

    [Fact]
    public void AComponentWithoutPathOrBlockIsReported() =>
        Problem(With("""{ "name": "a", "category": "Other" }"""), "component a", "neither a path nor a block");

    [Fact]
    public void AComponentWithBothPathAndBlockIsReported() =>
        Problem(With("""{ "name": "a", "category": "Other", "path": "a", "block": "/dev/sda" }"""), "component a", "both a path and a block");

    [Theory]
    [InlineData("/etc", "is absolute")]
    [InlineData("../etc", "climbs out of the root")]
    [InlineData("etc/../../etc", "climbs out of the root")]
    [InlineData("etc//ssh", "empty segment")]
    [InlineData("", "is empty")]
    public void AnAbsoluteOrEscapingPathIsReported(string path, string reason) =>
        Problem(With($$"""{ "name": "a", "category": "Other", "path": "{{path}}" }"""), "component a", $"'{path}'", reason);

    [Theory]
    [InlineData("../disk.img", "climbs out of the root")]
    [InlineData(".", "names the root directory")]
    [InlineData("/", "file-system root")]
    [InlineData("", "empty")]
    public void AnUnusableBlockIsReported(string block, string reason) =>
        Problem(With($$"""{ "name": "a", "category": "Other", "block": "{{block}}" }"""), "component a", reason);

    [Fact]
    public void ADuplicateNameIsReportedWithBothPositions() =>
        Problem(With(Etc + """, { "name": "etc", "category": "Other", "path": "other" }"""), "component etc", "components[1]", "components[0]");

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void AnInvalidNameIsReportedWithTheRule(string name) =>
        Problem(With($$"""{ "name": "{{name}}", "category": "Other", "path": "x" }"""), "components[0]", $"'{name}'", "A-Z a-z 0-9");

    [Fact]
    public void AMissingNameIsReportedByPosition() => Problem(With(Etc + """, { "category": "Other", "path": "x" }"""), "components[1] has no name");

    [Fact]
    public void AnUnknownDependencyIsReportedWithTheKnownNames() =>
        Problem(With(Etc + """, { "name": "app", "category": "Other", "path": "app", "dependsOn": ["etc", "kernal"] }"""),
            "component app", "unknown component 'kernal'", "known: etc, app");

    [Fact]
    public void ASelfDependencyIsReported() =>
        Problem(With("""{ "name": "a", "category": "Other", "path": "a", "dependsOn": ["a"] }"""), "component a depends on itself");

    [Fact]
    public void ADependencyCycleIsPrintedInOrder()
    {
        Problem(With("""
            { "name": "a", "category": "Other", "path": "a", "dependsOn": ["b"] },
            { "name": "b", "category": "Other", "path": "b", "dependsOn": ["c"] },
            { "name": "c", "category": "Other", "path": "c", "dependsOn": ["a"] }
            """), "dependency cycle: a -> b -> c -> a");
    }

    [Theory]
    [InlineData("etc", "etc/ssh", "etc/ssh is inside etc")]
    [InlineData("etc/ssh", "etc", "etc/ssh is inside etc")]
    [InlineData("etc", "./etc/", "both are at etc")]
    [InlineData(".", "var", "var is inside .")]
    public void OverlappingPathsAreReportedNamingBothComponents(string first, string second, string relation) =>
        Problem(With($$"""{ "name": "one", "category": "Other", "path": "{{first}}" }, { "name": "two", "category": "Other", "path": "{{second}}" }"""),
            "component one and two overlap", relation);

    [Fact]
    public void PathsThatOnlyShareAPrefixDoNotOverlap() =>
        Parse(With("""{ "name": "one", "category": "Other", "path": "usr/lib" }, { "name": "two", "category": "Other", "path": "usr/libexec" }"""));

    [Fact]
    public void TwoComponentsOnTheSameBlockDeviceOverlap() =>
        Problem(With("""{ "name": "one", "category": "Other", "block": "/dev/sda1" }, { "name": "two", "category": "Other", "block": "/dev/../dev/sda1" }"""),
            "component one and two overlap", "both are at /dev/sda1");

    [Fact]
    public void AnImageInsideATreeComponentOverlapsIt() =>
        Problem(With("""{ "name": "boot", "category": "KernelCore", "path": "boot" }, { "name": "img", "category": "Other", "block": "boot/kernel.img" }"""),
            "component boot and img overlap", "boot/kernel.img is inside boot");

    [Fact]
    public void AComponentHoldingTheStoreIsReported() =>
        Problem("""{ "root": "/", "store": "/var/lib/rollback", "components": [{ "name": "var", "category": "UserData", "path": "var" }] }""",
            "component var", "contains the store /var/lib/rollback");

    [Fact]
    public void AnEmptyComponentListIsReported()
    {
        Problem("""{ "root": "/device", "store": "/store", "components": [] }""", "no components");
        Problem("""{ "root": "/device", "store": "/store" }""", "no components");
    }

    [Fact]
    public void AnUnknownPropertyIsReportedWithWhereItIsAndTheClosestKnownName()
    {
        Problem(With("""{ "name": "app", "category": "Other", "path": "app", "dependOn": [] }"""), "component app", "'dependOn'", "did you mean 'dependsOn'?");
        Problem(With(Etc, """ "Retention": { "maxTotal": 3 }, """), "top level", "'Retention'", "did you mean 'retention'?");
        Problem(With(Etc, """ "chunking": { "average": 4096 }, """), "chunking", "'average'", "known: minSize, avgSize, maxSize");
        Problem(With("""{ "name": "app", "category": "Other", "path": "app", "services": [{ "unit": "a.service", "timeout": 5 }] }"""),
            "component app services[0]", "'timeout'", "did you mean 'timeoutSeconds'?");
    }

    [Theory]
    [InlineData("""{ "unit": "a.service", "start": "x" }""", "both a unit and start/stop")]
    [InlineData("""{ "timeoutSeconds": 5 }""", "neither a unit nor start/stop")]
    [InlineData("""{ "unit": "has space.service" }""", "invalid systemd unit name")]
    [InlineData("""{ "stop": "x", "timeoutSeconds": 0 }""", "timeoutSeconds 0")]
    public void AnUnusableServiceIsReported(string service, string reason) =>
        Problem(With($$"""{ "name": "app", "category": "Other", "path": "app", "services": [{{service}}] }"""), "component app services[0]", reason);

    [Fact]
    public void ASyntaxErrorIsReportedWithLineAndColumn()
    {
        string problem = Problem("{\n  \"root\": \"/device\",\n  \"components\": [ { \"name\": \"a\" ] \n}", "line 3, column ");
        Assert.DoesNotContain("LineNumber", problem);
    }

    [Theory]
    [InlineData("""{ "root": 5 }""", "$.root should be a string")]
    [InlineData("""{ "components": [{ "name": "a", "dependsOn": "b" }] }""", "$.components[0].dependsOn should be an array")]
    [InlineData("""{ "components": [{ "name": "a", "critical": "yes" }] }""", "$.components[0].critical should be true or false")]
    [InlineData("""{ "reserveBytes": 1.5 }""", "$.reserveBytes should be a whole number")]
    public void AValueOfTheWrongTypeIsReportedWithItsPath(string json, string problem) => Problem(json, "line 1, column ", problem);

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("null")]
    public void AnEmptyFileIsReported(string json) => Problem(json, "expected an object with \"root\", \"store\" and \"components\"");

    [Fact]
    public void ADuplicateKeyIsRefused() =>
        Problem("""{ "root": "/a", "root": "/b", "components": [] }""", "line 1", "$.root is given twice");

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var problems = Problems("""
            {
              "root": "/device",
              "store": "/store",
              "compression": { "level": 22 },
              "components": [
                { "name": "kernel", "category": "Kernel", "path": "boot" },
                { "name": "drivers", "category": "DeviceDrivers", "path": "/lib/modules", "dependsOn": ["kernel", "firmware"] },
                { "name": "etc", "category": "Configuration", "path": "etc" },
                { "name": "ssh", "category": "Configuration", "path": "etc/ssh" },
                { "name": "etc", "category": "Other", "path": "other" },
                { "name": "a", "category": "Other", "path": "a", "dependsOn": ["b"] },
                { "name": "b", "category": "Other", "path": "b", "dependsOn": ["a"] }
              ]
            }
            """);
        Assert.Equal(7, problems.Count);
        Assert.Contains(problems, p => p.Contains("compression.level 22"));
        Assert.Contains(problems, p => p.Contains("component kernel") && p.Contains("'Kernel'"));
        Assert.Contains(problems, p => p.Contains("component drivers") && p.Contains("absolute"));
        Assert.Contains(problems, p => p.Contains("component drivers") && p.Contains("'firmware'"));
        Assert.Contains(problems, p => p.Contains("component etc and ssh overlap"));
        Assert.Contains(problems, p => p.Contains("components[4]") && p.Contains("same name"));
        Assert.Contains(problems, p => p.Contains("a -> b -> a"));
    }

    [Fact]
    public void TheMessageNamesTheFileAndListsEachProblemAndRefusesWithExitTwo()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(With(
            """{ "name": "a", "category": "Nope", "path": "/a" }"""), Source));
        Assert.Equal(RollbackErrorKind.InvalidInput, e.Kind);
        Assert.Equal(ExitCodes.Refused, e.ExitCode);
        Assert.Equal(Source, e.SourcePath);
        Assert.StartsWith($"configuration {Source} has 2 problem(s):\n  - ", e.Message);
        foreach (string problem in e.Problems)
            Assert.Contains("\n  - " + problem, e.Message);
    }
}
