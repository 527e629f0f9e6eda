using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// A configuration that cannot be used, with every problem found in it: fixing a file one error per run
/// is slow on a device reached over a serial console. Refused (exit 2); nothing was changed.
/// </summary>
public sealed class ConfigException : RollbackException
{
    public ConfigException(string sourcePath, IReadOnlyList<string> problems)
        : base(RollbackErrorKind.InvalidInput, Describe(sourcePath, problems))
    {
        SourcePath = sourcePath;
        Problems = problems;
    }

    public string SourcePath { get; }

    /// <summary>One sentence per problem, each naming the component or setting it is about.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(string sourcePath, IReadOnlyList<string> problems) =>
        $"configuration {sourcePath} has {problems.Count} problem(s):\n  - {string.Join("\n  - ", problems)}";
}
