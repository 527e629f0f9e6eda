namespace Kernel.Update.Rollback.Components;

/// <summary>
/// Component paths: relative to the device root, '/'-separated, without '.', '..', empty segments or a
/// trailing '/'. The whole root is written ".". Normalizing once, on load, lets every later comparison
/// (overlap, store records, restore targets) be a plain string comparison.
/// </summary>
public static class ComponentPath
{
    public const string RootItself = ".";

    /// <summary>
    /// Normalizes <paramref name="raw"/> lexically; on failure <paramref name="problem"/> says why, as a
    /// phrase that completes "path 'x' ...".
    /// </summary>
    public static bool TryNormalize(string? raw, out string normalized, out string? problem)
    {
        normalized = "";
        problem = Check(raw);
        if (problem is not null)
            return false;

        // One trailing '/' is harmless ("etc/"); more than that is an empty segment like "etc//ssh".
        string path = raw!.Length > 1 && raw[^1] == '/' ? raw[..^1] : raw!;
        var kept = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            switch (segment)
            {
                case "":
                    problem = "has an empty segment ('//')";
                    return false;
                case ".":
                    break;
                case "..":
                    if (kept.Count == 0)
                    {
                        problem = "climbs out of the root ('..')";
                        return false;
                    }
                    kept.RemoveAt(kept.Count - 1);
                    break;
                default:
                    kept.Add(segment);
                    break;
            }
        }
        normalized = kept.Count == 0 ? RootItself : string.Join('/', kept);
        return true;
    }

    /// <summary>Normalizes or throws <see cref="ArgumentException"/>; for code that builds components directly.</summary>
    public static string Normalize(string raw) =>
        TryNormalize(raw, out string normalized, out string? problem)
            ? normalized
            : throw new ArgumentException($"component path '{raw}' {problem}", nameof(raw));

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies inside it (both normalized).</summary>
    public static bool IsSameOrInside(string inner, string outer) =>
        outer == RootItself || inner == outer || (inner.Length > outer.Length && inner[outer.Length] == '/' && inner.StartsWith(outer, StringComparison.Ordinal));

    /// <summary>True when one normalized path is equal to or inside the other, so a restore of one would rewrite the other.</summary>
    public static bool Overlap(string a, string b) => IsSameOrInside(a, b) || IsSameOrInside(b, a);

    /// <summary>The same test for absolute, fully normalized file-system paths.</summary>
    public static bool IsSameOrInsideAbsolute(string inner, string outer) =>
        outer == "/" || inner == outer || (inner.Length > outer.Length && inner[outer.Length] == '/' && inner.StartsWith(outer, StringComparison.Ordinal));

    private static string? Check(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
            return "is empty";
        if (raw.Contains('\0'))
            return "contains a NUL character";
        if (raw[0] == '/')
            return "is absolute; component paths are relative to the root";
        return null;
    }
}
