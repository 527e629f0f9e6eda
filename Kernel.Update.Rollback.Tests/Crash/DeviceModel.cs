namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// What the device should hold, kept beside the real one by the model-based tests: per component, every file's bytes
/// and every symlink's target by relative path. Deliberately simple — content only (metadata fidelity is tested
/// elsewhere) — so that it can be trusted as the oracle.
/// </summary>
internal sealed class DeviceModel
{
    public static readonly string[] Components = ["kernel", "drivers", "config", "app", "data"];
    public static readonly Dictionary<string, string> PathOf = new()
    {
        ["kernel"] = "boot", ["drivers"] = "lib/modules", ["config"] = "etc", ["app"] = "opt/app", ["data"] = "var/data",
    };
    private static readonly Dictionary<string, string[]> Dependents = new()
    {
        ["kernel"] = ["drivers"], ["config"] = ["app"],
    };

    private DeviceModel(Dictionary<string, SortedDictionary<string, byte[]>> trees) => Trees = trees;

    public Dictionary<string, SortedDictionary<string, byte[]>> Trees { get; }

    /// <summary>The model of what is on the bed now (read once, at the start, from the real trees).</summary>
    public static DeviceModel Read(CrashBed bed) => new(Components.ToDictionary(c => c, c => ReadTree(bed.Live(PathOf[c]))));

    public DeviceModel Copy() => new(Trees.ToDictionary(t => t.Key, t => new SortedDictionary<string, byte[]>(t.Value, StringComparer.Ordinal)));

    /// <summary>The named components and, unless exact, every component that depends on them.</summary>
    public static List<string> Closure(IEnumerable<string> named, bool exact)
    {
        var closure = new List<string>(named);
        for (int i = 0; i < closure.Count && !exact; i++)
            foreach (string dependent in Dependents.GetValueOrDefault(closure[i]) ?? [])
                if (!closure.Contains(dependent))
                    closure.Add(dependent);
        return closure;
    }

    /// <summary>Whether the real component holds exactly what this model says.</summary>
    public bool Matches(CrashBed bed, string component, out string why)
    {
        var real = ReadTree(bed.Live(PathOf[component]));
        var model = Trees[component];
        foreach (var (path, content) in model)
            if (!real.TryGetValue(path, out var actual) || !actual.AsSpan().SequenceEqual(content))
            {
                why = $"{component}/{path}: {(actual is null ? "missing" : "other content")}";
                return false;
            }
        foreach (string path in real.Keys)
            if (!model.ContainsKey(path))
            {
                why = $"{component}/{path}: not in the model";
                return false;
            }
        why = "";
        return true;
    }

    private static SortedDictionary<string, byte[]> ReadTree(string root)
    {
        var tree = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        Walk(root, root, tree);
        return tree;
    }

    // By hand: .NET's recursive enumeration descends into symlinks to directories.
    private static void Walk(string root, string directory, SortedDictionary<string, byte[]> tree)
    {
        foreach (string path in Directory.EnumerateFileSystemEntries(directory))
        {
            var info = new FileInfo(path);
            string relative = Path.GetRelativePath(root, path);
            if (info.LinkTarget is { } target)
                tree[relative] = System.Text.Encoding.UTF8.GetBytes("-> " + target);
            else if (info.Attributes.HasFlag(FileAttributes.Directory))
                Walk(root, path, tree);
            else
                tree[relative] = File.ReadAllBytes(path);
        }
    }
}
