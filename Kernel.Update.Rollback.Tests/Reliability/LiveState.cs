using System.Security.Cryptography;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Everything that would show a write to a tree: per entry its kind, mode, owner, size, inode, mtime, ctime (which any
/// change of data or metadata moves, even a chmod to the same mode), and its content hash or link target. Read
/// in-process, so hundreds of before/after comparisons stay cheap; two captures are equal only if nothing was written.
/// </summary>
internal static class LiveState
{
    /// <param name="identity">with inode and ctime, so that a file rewritten with the same content and metadata (what a
    /// revert does) counts as changed; without, for comparing what a revert put back with what was there.</param>
    public static SortedDictionary<string, string> Capture(string root, bool identity = true)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Posix.TryLStat(root, out _))
            Walk(root, ".", entries, identity);
        return entries;
    }

    private static void Walk(string full, string relative, SortedDictionary<string, string> entries, bool identity)
    {
        var status = Posix.LStat(full);
        string content = status.Kind switch
        {
            FileKind.Regular => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))),
            FileKind.Symlink => "-> " + File.ResolveLinkTarget(full, returnFinalTarget: false)?.ToString(),
            _ => "",
        };
        string file = status.Kind == FileKind.Directory ? "" : $" m {status.MTimeSeconds}.{status.MTimeNanoseconds:D9}";
        entries[relative] = $"{status.Kind} {Convert.ToString(status.Mode, 8)} {status.Uid}:{status.Gid} {status.Size}{file} {content}" +
            (identity ? $" ino {status.Inode} m {status.MTimeSeconds}.{status.MTimeNanoseconds:D9} c {status.CTimeSeconds}.{status.CTimeNanoseconds:D9}" : "");
        if (status.Kind != FileKind.Directory)
            return;
        foreach (string child in Directory.EnumerateFileSystemEntries(full))
            Walk(child, relative == "." ? Path.GetFileName(child) : relative + "/" + Path.GetFileName(child), entries, identity);
    }

    /// <summary>The entries that differ, one line each, or "" when the captures are equal.</summary>
    public static string Differences(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var lines = new List<string>();
        foreach (var (path, was) in before)
        {
            if (!after.TryGetValue(path, out string? now))
                lines.Add($"{path}: removed (was {was})");
            else if (now != was)
                lines.Add($"{path}: {was} -> {now}");
        }
        foreach (var (path, now) in after)
            if (!before.ContainsKey(path))
                lines.Add($"{path}: added ({now})");
        return string.Join("\n", lines.Take(20));
    }

    public static void AssertUnchanged(SortedDictionary<string, string> before, string root, string what, bool identity = true)
    {
        string differences = Differences(before, Capture(root, identity));
        Assert.True(differences.Length == 0, $"{what}:\n{differences}");
    }
}
