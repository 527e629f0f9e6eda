namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>Finds the repository root: the folder holding Rollback.sln.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The repository root, or null when not found.</summary>
    public static string? TryGet() => Root.Value;

    /// <summary>The repository root; throws when not found.</summary>
    public static string Get() => Root.Value ?? throw new DirectoryNotFoundException(
        $"no folder containing Rollback.sln above {AppContext.BaseDirectory} (set KUR_REPO_ROOT to override)");

    /// <summary>A path inside the repository, e.g. <c>RepoRoot.Combine("tools", "scripts", "minbase.sh")</c>.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Get(), .. parts]);

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("KUR_REPO_ROOT");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "Rollback.sln")))
        {
            return Path.GetFullPath(env);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rollback.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
