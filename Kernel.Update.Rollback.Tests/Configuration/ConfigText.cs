using Kernel.Update.Rollback.Configuration;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Configuration;

/// <summary>Config texts for the tests, parsed as if read from <see cref="Source"/>.</summary>
internal static class ConfigText
{
    public const string Source = "/etc/rollback/rollback.json";

    public static string With(string components, string settings = "") =>
        $$"""{ "root": "/device", "store": "/var/lib/rollback", {{settings}} "components": [ {{components}} ] }""";

    public static RollbackConfig Parse(string json) => ConfigLoader.Parse(json, Source);

    public static IReadOnlyList<string> Problems(string json)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, Source));
        return e.Problems;
    }

    /// <summary>The single problem the text has, which must contain every fragment.</summary>
    public static string Problem(string json, params string[] fragments)
    {
        var problems = Problems(json);
        string problem = Assert.Single(problems);
        foreach (string fragment in fragments)
            Assert.Contains(fragment, problem);
        return problem;
    }
}
