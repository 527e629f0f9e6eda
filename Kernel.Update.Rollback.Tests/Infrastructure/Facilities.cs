namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>Cheap probes of what this machine offers tests (root, tools). Results are cached.</summary>
public static class Facilities
{
    private static readonly Lazy<bool> Root = new(() => EffectiveUid() == 0);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Tools = new();

    /// <summary>True when the effective uid is 0.</summary>
    public static bool IsRoot => Root.Value;

    /// <summary>The effective uid, from /proc/self/status (-1 when unreadable).</summary>
    public static int EffectiveUid()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return f.Length > 2 && int.TryParse(f[2], out var euid) ? euid : -1;
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return -1;
    }

    /// <summary>The full path of an executable found on PATH (plus /usr/sbin and /sbin), or null.</summary>
    public static string? FindTool(string name) => Tools.GetOrAdd(name, static n =>
    {
        if (n.Contains('/')) { return File.Exists(n) ? n : null; }
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin:/usr/local/sbin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, n);
            if (File.Exists(candidate) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }
        return null;
    });

    private static readonly Lazy<string?> NoAccessTimes = new(ProbeAccessTimes);

    /// <summary>Null when reading a file in the temporary directory moves its access time (relatime or strictatime,
    /// given an access time older than the modification); otherwise why not (noatime, say).</summary>
    public static string? AccessTimesNotUpdatedReason => NoAccessTimes.Value;

    private static string? ProbeAccessTimes()
    {
        using var dir = new TempDirectory(prefix: "kur-atime-probe-");
        string file = dir.Combine("probe");
        File.WriteAllText(file, "probe");
        var old = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastAccessTimeUtc(file, old);
        File.ReadAllBytes(file);
        return File.GetLastAccessTimeUtc(file) != old ? null
            : $"the file system of {System.IO.Path.GetTempPath()} does not update access times on reads (mounted noatime?)";
    }

    public static bool HasTool(string name) => FindTool(name) is not null;

    /// <summary>The tools of the list that are missing (empty when all are present).</summary>
    public static IReadOnlyList<string> MissingTools(params string[] names) => names.Where(n => !HasTool(n)).ToArray();

    /// <summary>A skip reason naming the missing tools (and the Debian packages holding them), or null.</summary>
    public static string? MissingToolsReason(params string[] names)
    {
        var missing = MissingTools(names);
        return missing.Count == 0 ? null
            : $"missing tool(s): {string.Join(", ", missing.Select(t => PackageOf.TryGetValue(t, out var p) ? $"{t} (apt-get install {p})" : t))}";
    }

    private static readonly Dictionary<string, string> PackageOf = new()
    {
        ["bsdtar"] = "libarchive-tools",
        ["getfattr"] = "attr",
        ["setfattr"] = "attr",
        ["setfacl"] = "acl",
        ["getfacl"] = "acl",
        ["setcap"] = "libcap2-bin",
        ["debootstrap"] = "debootstrap",
        ["flock"] = "util-linux",
        ["zstd"] = "zstd",
        ["python3"] = "python3",
    };
}
