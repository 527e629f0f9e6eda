namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>
/// The enriched Debian minbase tree for fidelity tests and figures: <c>tools/scripts/minbase.sh
/// extract</c> (a debootstrap --variant=minbase bookworm root, built once and cached outside the
/// repository, by default /var/cache/kernel-update-rollback/minbase-bookworm.tar, env
/// KUR_MINBASE_CACHE) followed by <c>tools/scripts/enrich-tree.sh</c> (hard links, capability,
/// ACLs, xattrs, sparse file, special modes and files, odd names, …, all under
/// <c>kur-enrich/</c>).
/// <para>As an xunit class fixture (<c>IClassFixture&lt;MinbaseTree&gt;</c>) it extracts one fresh
/// tree per test class into a temporary directory (<see cref="Root"/>) and removes it afterwards.
/// Tests must not modify it; use <see cref="CreateFresh"/> for a tree of their own. Guard the
/// tests with <see cref="MinbaseFactAttribute"/>, which skips them with <see cref="SkipReason"/>.</para>
/// </summary>
public sealed class MinbaseTree : IDisposable
{
    private static readonly Lazy<string?> Probe = new(ComputeSkipReason);
    private TempDirectory? _dir;
    private readonly Lazy<string> _root;

    /// <summary>Takes no time: the tree is extracted on first use of <see cref="Root"/>
    /// (so a class whose tests are all skipped pays nothing).</summary>
    public MinbaseTree()
    {
        _root = new Lazy<string>(() =>
        {
            if (SkipReason is { } reason)
            {
                throw new InvalidOperationException($"the minbase tree is not available: {reason}");
            }
            _dir = new TempDirectory(Environment.GetEnvironmentVariable("KUR_MINBASE_WORKDIR"), "kur-minbase-");
            var root = _dir.CreateSubdirectory("root");
            ExtractTo(root);
            return root;
        });
    }

    /// <summary>The enriched tree (a directory of its own; its parent is a temporary directory).</summary>
    public string Root => _root.Value;

    /// <summary>Why minbase tests cannot run here (naming the missing facility), or null.</summary>
    public static string? SkipReason => Probe.Value;

    /// <summary>The cached tarball's path (whether or not it exists yet).</summary>
    public static string CachePath =>
        RunScript("minbase.sh", ["path"], TimeSpan.FromSeconds(30)).EnsureSuccess().StdOut.Trim();

    /// <summary>A new temporary directory holding a fresh copy of the tree in <c>root/</c>;
    /// dispose it to remove it. Returns the directory; the tree is <c>Combine("root")</c>.</summary>
    public static TempDirectory CreateFresh(string? baseDirectory = null, bool enrich = true)
    {
        var dir = new TempDirectory(baseDirectory, "kur-minbase-");
        try
        {
            ExtractTo(dir.CreateSubdirectory("root"), enrich);
            return dir;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Extracts the minbase tree into <paramref name="directory"/> (created if needed;
    /// builds the cache first if missing) and, unless told otherwise, enriches it.</summary>
    public static void ExtractTo(string directory, bool enrich = true)
    {
        var r = RunScript("minbase.sh", ["extract", directory], TimeSpan.FromMinutes(30));
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException(r.ExitCode switch
            {
                3 => "the Debian mirror is unreachable; the minbase tree cannot be built:\n",
                4 => "a facility the minbase tree needs is missing:\n",
                _ => "minbase.sh extract failed:\n",
            } + r.Describe());
        }
        if (enrich)
        {
            RunScript("enrich-tree.sh", [directory], TimeSpan.FromMinutes(5)).EnsureSuccess();
        }
    }

    public void Dispose() => _dir?.Dispose();

    private static ProcessResult RunScript(string name, IReadOnlyList<string> args, TimeSpan timeout) =>
        ProcessRunner.Run(new ProcessOptions
        {
            FileName = "bash",
            Arguments = [RepoRoot.Combine("tools", "scripts", name), .. args],
            Timeout = timeout,
        });

    private static string? ComputeSkipReason()
    {
        if (Environment.GetEnvironmentVariable("KUR_SKIP_MINBASE") == "1")
        {
            return "minbase tests skipped by KUR_SKIP_MINBASE=1";
        }
        if (!Facilities.IsRoot)
        {
            return $"needs root for the minbase tree (owners, device nodes, capabilities); running as uid {Facilities.EffectiveUid()}";
        }
        if (RepoRoot.TryGet() is null)
        {
            return $"repository root (the folder holding Rollback.sln) not found above {AppContext.BaseDirectory}; set KUR_REPO_ROOT";
        }
        if (TreeComparer.SkipReason is { } compare)
        {
            return compare;
        }
        if (Facilities.MissingToolsReason("bash", "tar", "flock", "setfacl", "setfattr", "setcap", "mknod", "python3") is { } tools)
        {
            return tools;
        }
        ProcessResult probe;
        try
        {
            probe = RunScript("minbase.sh", ["probe"], TimeSpan.FromSeconds(60));
        }
        catch (InvalidOperationException e)
        {
            return $"cannot run tools/scripts/minbase.sh: {e.Message}";
        }
        if (probe.ExitCode == 0)
        {
            return null;
        }
        var why = probe.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("minbase.sh:", StringComparison.Ordinal))
            .Select(l => l["minbase.sh:".Length..].Trim())
            .LastOrDefault() ?? probe.StdErr.Trim();
        return probe.ExitCode switch
        {
            3 => $"Debian mirror unreachable, so no minbase tree: {why}",
            _ => $"minbase tree unavailable: {why}",
        };
    }
}
