using System.Globalization;
using System.Text;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>What <see cref="TreeComparer"/> compares and reports.</summary>
public sealed record TreeCompareOptions
{
    public static TreeCompareOptions Default { get; } = new();

    /// <summary>Compare the metadata of the top directory itself (".") too. Default true.</summary>
    public bool CompareRoot { get; init; } = true;

    /// <summary>Compare extended attributes (getfattr -d -m - -h: user.*, security.capability,
    /// system.posix_acl_*). Default true.</summary>
    public bool CompareXattrs { get; init; } = true;

    /// <summary>Compare mtimes (exact, nanoseconds). Default true.</summary>
    public bool CompareTimes { get; init; } = true;

    /// <summary>Compare directory mtimes (only when <see cref="CompareTimes"/>). Default true:
    /// a restore sets directory mtimes last.</summary>
    public bool CompareDirectoryTimes { get; init; } = true;

    /// <summary>Compare whether large regular files have holes (allocated at least 64 KiB less
    /// than their size). Default true.</summary>
    public bool CompareSparseness { get; init; } = true;

    /// <summary>Relative paths (like "var/log" or "kur-enrich/special/fifo") left out of the
    /// comparison, each with everything below it.</summary>
    public IReadOnlyList<string> IgnorePaths { get; init; } = [];

    /// <summary>How many differing entries the message lists (the counts cover all). Default 40.</summary>
    public int MaxReported { get; init; } = 40;
}

/// <summary>One entry that differs between two trees.</summary>
/// <param name="Path">"./relative/path" ("." for the top), non-printable characters escaped.</param>
/// <param name="Kind">"missing" (only in expected), "extra" (only in actual) or "changed".</param>
/// <param name="Detail">The entry's attributes (missing/extra) or each differing attribute as
/// "key: expected → actual".</param>
/// <param name="Keys">The attribute names that differ (all of them for missing/extra).</param>
public sealed record TreeEntryDifference(string Path, string Kind, string Detail, IReadOnlyList<string> Keys)
{
    public override string ToString() => $"{Kind,-8} {Path}  {Detail}";
}

/// <summary>The result of <see cref="TreeComparer.Compare(string, string, TreeCompareOptions?)"/>.</summary>
public sealed class TreeDifference
{
    internal TreeDifference(string expectedDir, string actualDir, int expectedEntries, int actualEntries,
        int socketsIgnored, IReadOnlyList<TreeEntryDifference> differences, int maxReported)
    {
        ExpectedDir = expectedDir;
        ActualDir = actualDir;
        ExpectedEntries = expectedEntries;
        ActualEntries = actualEntries;
        SocketsIgnored = socketsIgnored;
        Differences = differences;
        MaxReported = maxReported;
    }

    public string ExpectedDir { get; }
    public string ActualDir { get; }
    public int ExpectedEntries { get; }
    public int ActualEntries { get; }
    /// <summary>Sockets in the expected tree, left out (the engine skips them with a warning).</summary>
    public int SocketsIgnored { get; }
    public IReadOnlyList<TreeEntryDifference> Differences { get; }
    public int MaxReported { get; }
    public bool AreEqual => Differences.Count == 0;
    public IEnumerable<TreeEntryDifference> Missing => Differences.Where(d => d.Kind == "missing");
    public IEnumerable<TreeEntryDifference> Extra => Differences.Where(d => d.Kind == "extra");
    public IEnumerable<TreeEntryDifference> Changed => Differences.Where(d => d.Kind == "changed");

    /// <summary>A readable report: counts, the differing attributes by frequency, and at most
    /// <see cref="MaxReported"/> entries.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        if (AreEqual)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Trees are equal ({ExpectedEntries} entries");
            if (SocketsIgnored > 0) { sb.Append(CultureInfo.InvariantCulture, $"; {SocketsIgnored} socket(s) ignored"); }
            return sb.Append(')').ToString();
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"Trees differ in {Differences.Count} entries: {Missing.Count()} missing, {Extra.Count()} extra, {Changed.Count()} changed");
        if (SocketsIgnored > 0) { sb.Append(CultureInfo.InvariantCulture, $" ({SocketsIgnored} socket(s) ignored)"); }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"  expected: {ExpectedDir} ({ExpectedEntries} entries)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  actual:   {ActualDir} ({ActualEntries} entries)");
        var byKey = Changed.SelectMany(d => d.Keys).GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}").ToArray();
        if (byKey.Length > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  changed attributes: {string.Join(", ", byKey)}");
        }
        foreach (var d in Differences.Take(MaxReported))
        {
            sb.Append("  ").AppendLine(d.ToString());
        }
        if (Differences.Count > MaxReported)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  … and {Differences.Count - MaxReported} more");
        }
        return sb.ToString().TrimEnd();
    }

    public override string ToString() => Describe();
}

/// <summary>The captured listing of one tree, for comparing a tree with its own earlier state.</summary>
public sealed class TreeListing
{
    internal TreeListing(string directory, SortedDictionary<string, SortedDictionary<string, string>> entries, int sockets)
    {
        Directory = directory;
        Entries = entries;
        Sockets = sockets;
    }

    public string Directory { get; }
    /// <summary>Path ("./rel", "." for the top) → attributes (mtree keys; "time" exact to the
    /// nanosecond; "holes"; "xattr NAME").</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, string>> Entries { get; }
    public int Sockets { get; }
}

/// <summary>
/// Compares two directory trees as the fidelity acceptance test asks: libarchive's
/// <c>bsdtar --format=mtree</c> with sha256, type, mode, uid, gid, time, link, device, nlink,
/// plus <c>getfattr -d -m - -h</c> on every entry. Sockets are ignored (the engine skips them).
/// Entry order and header lines are normalised. Because libarchive 3.6's mtree writer prints the
/// nanoseconds of <c>time</c> without zero padding (1 ns prints as ".1"), times are taken from
/// <c>find -printf %T@</c> instead (exact to the nanosecond, for files, directories and
/// symlinks). Holes of large files are compared from st_blocks.
/// </summary>
public static class TreeComparer
{
    private const string MtreeKeys = "!all,sha256,type,mode,uid,gid,time,link,device,nlink";

    // find lists what mtree cannot print exactly: type, mtime (ns), size and 512-byte blocks.
    private const string FindScript = "cd -- \"$1\" && exec find . ! -type s -printf '%p\\0%y %T@ %s %b\\0'";
    private const string XattrScript =
        "set -o pipefail; cd -- \"$1\" && find . ! -type s -print0 | LC_ALL=C sort -z | xargs -0r getfattr -d -m - -h --";

    /// <summary>Why trees cannot be compared here (a missing tool), or null.</summary>
    public static string? SkipReason => Facilities.MissingToolsReason("bsdtar", "getfattr", "find", "xargs", "bash");

    /// <summary>Compares two trees; see <see cref="TreeDifference.Describe"/> for the report.</summary>
    public static TreeDifference Compare(string expectedDir, string actualDir, TreeCompareOptions? options = null)
    {
        var expected = Task.Run(() => Capture(expectedDir));
        var actual = Task.Run(() => Capture(actualDir));
        return Compare(expected.GetAwaiter().GetResult(), actual.GetAwaiter().GetResult(), options);
    }

    /// <summary>Fails (with the readable report) unless the trees are equal.</summary>
    public static void AssertEqual(string expectedDir, string actualDir, TreeCompareOptions? options = null)
    {
        var diff = Compare(expectedDir, actualDir, options);
        if (!diff.AreEqual)
        {
            Assert.Fail(diff.Describe());
        }
    }

    /// <summary>Fails unless the tree equals a listing captured earlier (e.g. before an update
    /// that a rollback should undo).</summary>
    public static void AssertEqual(TreeListing expected, string actualDir, TreeCompareOptions? options = null)
    {
        var diff = Compare(expected, Capture(actualDir), options);
        if (!diff.AreEqual)
        {
            Assert.Fail(diff.Describe());
        }
    }

    /// <summary>Lists a tree (mtree + exact times + holes + xattrs) for a later comparison.</summary>
    public static TreeListing Capture(string directory)
    {
        var dir = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"cannot compare: {dir} is not a directory");
        }
        var mtreeTask = ProcessRunner.RunAsync(new ProcessOptions
        {
            FileName = "bsdtar",
            Arguments = ["--format=mtree", $"--options={MtreeKeys}", "-cf", "-", "."],
            WorkingDirectory = dir,
            Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" },
        });
        var findTask = ProcessRunner.RunAsync(new ProcessOptions { FileName = "bash", Arguments = ["-c", FindScript, "find", dir] });
        var xattrTask = ProcessRunner.RunAsync(new ProcessOptions { FileName = "bash", Arguments = ["-c", XattrScript, "getfattr", dir] });
        var mtree = mtreeTask.GetAwaiter().GetResult();
        var find = findTask.GetAwaiter().GetResult();
        var xattr = xattrTask.GetAwaiter().GetResult();
        if (mtree.ExitCode != 0) { throw new InvalidOperationException("bsdtar mtree listing failed:\n" + mtree.Describe()); }
        if (find.ExitCode != 0) { throw new InvalidOperationException("find listing failed:\n" + find.Describe()); }
        if (xattr.ExitCode != 0) { throw new InvalidOperationException("getfattr listing failed:\n" + xattr.Describe()); }

        var entries = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        var sockets = 0;
        foreach (var line in MtreeLines(mtree.StdOut))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = Canonical(Unescape(fields[0]));
            var attrs = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in fields.Skip(1))
            {
                var eq = f.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0) { attrs[f[..eq]] = eq + 1 < f.Length ? f[(eq + 1)..] : ""; }
                else { attrs[f] = ""; }
            }
            if (attrs.TryGetValue("type", out var type) && type == "socket")
            {
                sockets++;
                continue;
            }
            if (attrs.TryGetValue("link", out var link)) { attrs["link"] = Unescape(link); }
            attrs.Remove("time"); // replaced by find's exact value below
            entries[path] = attrs;
        }

        var parts = find.StdOut.Split('\0');
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            var path = Canonical(parts[i]);
            var f = parts[i + 1].Split(' ');
            if (f.Length < 4 || !entries.TryGetValue(path, out var attrs))
            {
                continue; // created or removed between the two listings; mtree's view wins
            }
            attrs["time"] = ExactTime(f[1]);
            if (f[0] == "f" && long.TryParse(f[2], out var size) && long.TryParse(f[3], out var blocks) && size >= 64 * 1024)
            {
                attrs["holes"] = size - (blocks * 512) >= 64 * 1024 ? "yes" : "no";
            }
        }

        string? current = null;
        foreach (var raw in xattr.StdOut.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# file: ", StringComparison.Ordinal))
            {
                current = Canonical(Unescape(line["# file: ".Length..]));
                continue;
            }
            if (line.Length == 0 || line[0] == '#' || current is null) { continue; }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? line : line[..eq];
            var value = eq < 0 ? "" : line[(eq + 1)..];
            if (entries.TryGetValue(current, out var attrs))
            {
                attrs["xattr " + Unescape(name)] = value;
            }
        }
        return new TreeListing(dir, entries, sockets);
    }

    /// <summary>Compares two captured listings.</summary>
    public static TreeDifference Compare(TreeListing expected, TreeListing actual, TreeCompareOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var o = options ?? TreeCompareOptions.Default;
        var ignore = o.IgnorePaths.Select(p => Canonical(p.TrimEnd('/'))).ToArray();
        bool Included(string path) =>
            (o.CompareRoot || path != ".") &&
            !ignore.Any(i => path == i || path.StartsWith(i + "/", StringComparison.Ordinal));

        SortedDictionary<string, string> Filter(SortedDictionary<string, string> attrs)
        {
            var r = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var isDir = attrs.TryGetValue("type", out var t) && t == "dir";
            foreach (var (k, v) in attrs)
            {
                if (k == "time" && (!o.CompareTimes || (isDir && !o.CompareDirectoryTimes))) { continue; }
                if (k == "holes" && !o.CompareSparseness) { continue; }
                if (k.StartsWith("xattr ", StringComparison.Ordinal) && !o.CompareXattrs) { continue; }
                r[k] = v;
            }
            return r;
        }

        var diffs = new List<TreeEntryDifference>();
        var exp = expected.Entries.Where(e => Included(e.Key)).ToDictionary(e => e.Key, e => Filter(e.Value), StringComparer.Ordinal);
        var act = actual.Entries.Where(e => Included(e.Key)).ToDictionary(e => e.Key, e => Filter(e.Value), StringComparer.Ordinal);
        foreach (var path in exp.Keys.Union(act.Keys).OrderBy(p => p, StringComparer.Ordinal))
        {
            var inE = exp.TryGetValue(path, out var e);
            var inA = act.TryGetValue(path, out var a);
            if (inE && !inA)
            {
                diffs.Add(new TreeEntryDifference(Display(path), "missing", Summary(e!), e!.Keys.ToArray()));
            }
            else if (!inE && inA)
            {
                diffs.Add(new TreeEntryDifference(Display(path), "extra", Summary(a!), a!.Keys.ToArray()));
            }
            else
            {
                var keys = e!.Keys.Union(a!.Keys).Where(k => !(e.TryGetValue(k, out var ev) && a.TryGetValue(k, out var av) && ev == av))
                    .OrderBy(k => k, StringComparer.Ordinal).ToArray();
                if (keys.Length > 0)
                {
                    var detail = string.Join("; ", keys.Select(k =>
                        $"{k}: {Value(e, k)} → {Value(a, k)}"));
                    diffs.Add(new TreeEntryDifference(Display(path), "changed", detail, keys));
                }
            }
        }
        return new TreeDifference(expected.Directory, actual.Directory, exp.Count, act.Count, expected.Sockets, diffs, o.MaxReported);
    }

    private static IEnumerable<string> MtreeLines(string text)
    {
        var pending = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.EndsWith('\\') && !line.EndsWith("\\\\", StringComparison.Ordinal))
            {
                pending.Append(line.AsSpan(0, line.Length - 1)).Append(' ');
                continue;
            }
            pending.Append(line);
            var full = pending.ToString().Trim();
            pending.Clear();
            if (full.Length == 0 || full[0] == '#' || full[0] == '/') { continue; } // header, comments, /set, /unset
            yield return full;
        }
    }

    /// <summary>Decodes the octal (\ooo) and backslash escapes of mtree and getfattr into the name.</summary>
    internal static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal)) { return s; }
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] == '\\')
            {
                bytes.Add((byte)'\\');
                i++;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '3' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';

    private static string Canonical(string path)
    {
        if (path is "." or "./" or "") { return "."; }
        if (path.StartsWith("./", StringComparison.Ordinal)) { return path; }
        return "./" + path.TrimStart('/');
    }

    /// <summary>find's %T@ ("1700000000.1234567890") as seconds.nanoseconds (9 digits).</summary>
    private static string ExactTime(string t)
    {
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) { return t + ".000000000"; }
        var frac = (t[(dot + 1)..] + "000000000")[..9];
        return t[..dot] + "." + frac;
    }

    private static string Display(string path)
    {
        var sb = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            _ = c switch
            {
                '\n' => sb.Append("\\n"),
                '\t' => sb.Append("\\t"),
                '\r' => sb.Append("\\r"),
                _ when char.IsControl(c) => sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => sb.Append(c),
            };
        }
        return sb.ToString();
    }

    private static string Summary(SortedDictionary<string, string> attrs) =>
        string.Join(' ', attrs.Where(kv => !kv.Key.StartsWith("xattr ", StringComparison.Ordinal)).Select(kv => $"{kv.Key}={Short(kv.Value)}"))
        + (attrs.Keys.Count(k => k.StartsWith("xattr ", StringComparison.Ordinal)) is var n and > 0 ? $" (+{n} xattrs)" : "");

    // mtree leaves nlink out when it is 1.
    private static string Value(SortedDictionary<string, string> attrs, string key) =>
        attrs.TryGetValue(key, out var v) ? Short(v) : key == "nlink" ? "1" : "(absent)";

    private static string Short(string v) => v.Length <= 72 ? v : v[..32] + $"…({v.Length} chars)…" + v[^16..];
}
