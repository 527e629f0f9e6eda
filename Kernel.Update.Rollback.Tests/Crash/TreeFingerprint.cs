using System.Security.Cryptography;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// Everything a restore must bring back of a live tree, per relative path: kind, mode, owner, mtime, content hash,
/// symlink target and xattrs. Read in-process (thousands of crash states each compare trees; bsdtar would dominate).
/// </summary>
internal sealed class TreeFingerprint
{
    private readonly SortedDictionary<string, string> _entries;

    private TreeFingerprint(SortedDictionary<string, string> entries) => _entries = entries;

    public static TreeFingerprint Of(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(root, "", entries);
        return new TreeFingerprint(entries);
    }

    private static void Walk(string path, string relative, SortedDictionary<string, string> entries)
    {
        var (_, state) = InodeState.Read(path);
        string content = state.Kind == FileKind.Regular ? Convert.ToHexStringLower(SHA256.HashData(state.Data)) : state.LinkTarget ?? "";
        string xattrs = string.Join(",", state.Xattrs.Select(x => x.Name + "=" + Convert.ToHexStringLower(x.Value)));
        entries[relative] = $"{state.Kind} {Convert.ToString(state.Mode, 8)} {state.Uid}:{state.Gid} {state.MTimeSeconds}.{state.MTimeNanoseconds:D9} {content} {xattrs}";
        if (state.Kind != FileKind.Directory)
            return;
        var names = new List<string>();
        Posix.ReadDirectory(path, names);
        foreach (string name in names)
            Walk(Path.Combine(path, name), relative.Length == 0 ? name : relative + "/" + name, entries);
    }

    public bool SameAs(TreeFingerprint other) => Differences(other, 1).Count == 0;

    /// <summary>Up to <paramref name="max"/> lines naming what differs, for a failure message.</summary>
    public List<string> Differences(TreeFingerprint other, int max = 10)
    {
        var differences = new List<string>();
        foreach (var (path, line) in _entries)
        {
            if (differences.Count >= max)
                break;
            if (!other._entries.TryGetValue(path, out string? theirs))
                differences.Add($"only here: /{path}");
            else if (theirs != line)
                differences.Add($"/{path}: {line} vs {theirs}");
        }
        foreach (var path in other._entries.Keys)
        {
            if (differences.Count >= max)
                break;
            if (!_entries.ContainsKey(path))
                differences.Add($"only there: /{path}");
        }
        return differences;
    }
}
