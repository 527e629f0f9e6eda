using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// Walks a component tree depth-first, names in ordinal order (so an unchanged tree gives a byte-identical
/// manifest), records every name's metadata, and decides which regular files must be read: those whose
/// size, mtime, ctime or inode differ from the previous snapshot. An entry whose inode and ctime are unchanged
/// keeps its previous extended attributes and link target unread too: changing either, like any chmod, chown
/// or write, moves ctime, which no user process can set back. Stays on the component's file system.
/// A walk is one metadata system call after another, so it keeps one core busy: <see cref="WalkTop"/> describes the
/// root and its children and leaves each child directory as a <see cref="Subtree"/> that any worker may walk, and
/// <see cref="Merge"/> puts the results together in the order one sequential walk gives, hard links included.
/// A child directory that held more names than a worker's fair share in the previous snapshot (usr/share: two thirds
/// of the minbase tree) is not one piece but described here too, its own child directories the pieces, and so on down.
/// </summary>
internal sealed class TreeWalker : IDisposable
{
    private readonly ComponentCapture _component;
    private readonly Manifest? _previous;
    private readonly Manifest? _reference;
    private readonly List<ManifestEntry> _entries;
    private readonly List<FileWork> _work;
    private readonly SnapshotCounters _counters;
    private readonly ILogger _logger;
    private readonly Dictionary<(ulong Device, ulong Inode), string> _firstNames = [];
    private readonly List<string> _xattrNames = [];
    private readonly List<Subtree> _subtrees = [];
    // Root children in order, each with the subtree walked under it or its own children described here: the merge's order.
    private readonly List<Node> _children = [];
    // The root and every directory described here, open until the pieces under them are walked.
    private readonly List<SafeFileHandle> _open = [];
    private ulong _device;
    private long _files, _reusedFiles, _dataBytes;

    /// <param name="reference">a manifest whose regular files are trusted by size and mtime alone (see
    /// <see cref="SnapshotRequest.QuickCheckAgainst"/>), or null.</param>
    public TreeWalker(ComponentCapture component, Manifest? previous, Manifest? reference, List<FileWork> work, SnapshotCounters counters, ILogger logger)
        : this(component, previous, reference, component.Entries, work, counters, logger)
    {
        // Built here, once: subtree walks look names up from several threads.
        previous?.Find("");
        reference?.Find("");
    }

    private TreeWalker(ComponentCapture component, Manifest? previous, Manifest? reference, List<ManifestEntry> entries, List<FileWork> work,
        SnapshotCounters counters, ILogger logger)
    {
        _component = component;
        _previous = previous;
        _reference = reference;
        _entries = entries;
        _work = work;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>A directory walked on its own, by any worker, into its own lists.</summary>
    public sealed class Subtree
    {
        internal Subtree(TreeWalker walker, string relative, string absolute, string name, SafeFileHandle parent, int previousEntries)
        {
            Walker = walker;
            Relative = relative;
            Absolute = absolute;
            Name = name;
            Parent = parent;
            PreviousEntries = previousEntries;
        }

        internal TreeWalker Walker { get; }
        internal string Relative { get; }
        internal string Absolute { get; }
        internal string Name { get; }

        /// <summary>Its directory's handle, held open by the walker that described it.</summary>
        internal SafeFileHandle Parent { get; }

        /// <summary>How many names the previous snapshot had under it: the largest go first.</summary>
        public int PreviousEntries { get; }

        /// <summary>Walks the subtree (thread-safe: each subtree has its own walker; they share only read-only state).</summary>
        public void Walk(CancellationToken cancellation) => Walker.VisitDirectory(Relative, Absolute, Parent, Name, cancellation);
    }

    /// <summary>A name described by <see cref="WalkTop"/>: a directory's is either a piece to walk or described here in turn.</summary>
    private sealed class Node(ManifestEntry entry)
    {
        public ManifestEntry Entry { get; } = entry;
        public Subtree? Piece { get; set; }
        public List<Node>? Children { get; set; }
    }

    /// <summary>How many names the previous snapshot (or the reference) had, for the caller's share of work per worker.</summary>
    public int PreviousEntries => (_previous ?? _reference)?.Entries.Count ?? 0;

    /// <summary>Describes the root and its children, and the children of any directory that held more than
    /// <paramref name="splitAbove"/> names in the previous snapshot; returns the other directories to walk, each with
    /// <see cref="Subtree.Walk"/>, before <see cref="Merge"/>. The directories described stay open until then.</summary>
    public IReadOnlyList<Subtree> WalkTop(int splitAbove, CancellationToken cancellation)
    {
        string root = _component.AbsoluteRoot;
        if (!Posix.TryLStat(root, out var status))
            throw Error(RollbackErrorKind.NotFound, root, "does not exist");
        if (status.Kind != FileKind.Directory)
            throw Error(RollbackErrorKind.InvalidInput, root, $"is a {status.Kind}, not a directory");
        _device = status.Device;
        _entries.Add(Describe("", root, status, null, null));
        var counts = PreviousCounts();
        var handle = OpenAndList(root, null, null, out var names);
        _open.Add(handle);
        Describe(handle, "", root, names, _children, counts, Math.Max(splitAbove, 1), cancellation);
        return _subtrees;
    }

    private void Describe(SafeFileHandle directory, string relative, string absolute, List<string> names, List<Node> into,
        Dictionary<string, int> counts, int splitAbove, CancellationToken cancellation)
    {
        foreach (string child in names)
        {
            cancellation.ThrowIfCancellationRequested();
            if (VisitChild(directory, relative, absolute, child) is not { } visited)
                continue;
            var node = new Node(visited.Entry);
            into.Add(node);
            if (!visited.Directory)
                continue;
            string childAbsolute = absolute + "/" + child;
            int previous = counts.GetValueOrDefault(visited.Entry.Path);
            if (previous > splitAbove)
            {
                var handle = OpenAndList(childAbsolute, directory, child, out var inner);
                _open.Add(handle);
                node.Children = [];
                Describe(handle, visited.Entry.Path, childAbsolute, inner, node.Children, counts, splitAbove, cancellation);
                continue;
            }
            var walker = new TreeWalker(_component, _previous, _reference, [], [], _counters, _logger) { _device = _device };
            node.Piece = new Subtree(walker, visited.Entry.Path, childAbsolute, child, directory, previous);
            _subtrees.Add(node.Piece);
        }
    }

    /// <summary>Names under each directory of the previous snapshot (or the reference) down to <see cref="SplitDepth"/>, to
    /// split the largest and schedule the largest pieces first.</summary>
    private Dictionary<string, int> PreviousCounts()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var manifest = _previous ?? _reference;
        if (manifest is null)
            return counts;
        var byPrefix = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var entry in manifest.Entries)
        {
            var path = entry.Path.AsSpan();
            int depth = 0;
            for (int i = 1; i < path.Length && depth < SplitDepth; i++)
            {
                if (path[i] != '/')
                    continue;
                CollectionsMarshal.GetValueRefOrAddDefault(byPrefix, path[..i], out _)++; // a string only per directory
                depth++;
            }
        }
        return counts;
    }

    // Deeper directories are never split: their pieces would be small anyway.
    private const int SplitDepth = 4;

    /// <summary>
    /// Puts the walk together in the order of one sequential walk: the root, then each child followed by its subtree,
    /// and the files to read in that order. A hard link's first name is its first in that order: a name that a subtree
    /// described in full (it could not know an earlier subtree had the inode) becomes a link to the earlier name, and
    /// leaves the files to read; links to it follow it.
    /// </summary>
    public void Merge()
    {
        var firsts = new Dictionary<ulong, string>();
        var moved = new Dictionary<string, string>(StringComparer.Ordinal);
        var dropped = new HashSet<ManifestEntry>(ReferenceEqualityComparer.Instance);
        var merged = new List<ManifestEntry>(_entries.Count + _subtrees.Sum(static s => s.Walker._entries.Count));
        merged.AddRange(_entries); // the root
        Flatten(_children, merged);
        long files = _files, reused = _reusedFiles, data = _dataBytes;
        foreach (var subtree in _subtrees)
        {
            files += subtree.Walker._files;
            reused += subtree.Walker._reusedFiles;
            data += subtree.Walker._dataBytes;
        }
        for (int i = 0; i < merged.Count; i++)
        {
            var entry = merged[i];
            if (entry.Kind == EntryKind.HardLink)
            {
                if (moved.TryGetValue(entry.LinkTarget!, out string? target))
                    entry.LinkTarget = target;
                continue;
            }
            if (entry.Kind == EntryKind.Directory || entry.NLink <= 1)
                continue;
            if (!firsts.TryAdd(entry.Inode, entry.Path))
            {
                string first = firsts[entry.Inode];
                moved[entry.Path] = first;
                dropped.Add(entry);
                merged[i] = new ManifestEntry { Path = entry.Path, Kind = EntryKind.HardLink, LinkTarget = first, NLink = entry.NLink };
                if (entry.Kind == EntryKind.Regular)
                {
                    files--;
                    data -= entry.DataLength;
                }
            }
        }
        _entries.Clear();
        _entries.AddRange(merged);
        var work = new List<FileWork>(_work);
        foreach (var subtree in _subtrees) // in walk order, as described
            work.AddRange(subtree.Walker._work);
        _work.Clear();
        // A dropped regular file was either to be read (it leaves the work) or reused (it leaves the reused count).
        foreach (var entry in dropped)
            if (entry.Kind == EntryKind.Regular)
                reused--;
        foreach (var item in work)
        {
            if (dropped.Contains(item.Entry))
            {
                reused++;
                Interlocked.Decrement(ref _counters.FilesToRead);
                Interlocked.Add(ref _counters.BytesToRead, -item.Entry.Size);
                continue;
            }
            _work.Add(item);
        }
        _component.Files += files;
        _component.ReusedFiles += reused;
        _component.DataBytes += data;
        Dispose();
    }

    /// <summary>Each name followed by its piece's names or, for a directory described here, its own children in turn.</summary>
    private static void Flatten(List<Node> nodes, List<ManifestEntry> merged)
    {
        foreach (var node in nodes)
        {
            merged.Add(node.Entry);
            if (node.Piece is not null)
                merged.AddRange(node.Piece.Walker._entries);
            else if (node.Children is not null)
                Flatten(node.Children, merged);
        }
    }

    public void Dispose()
    {
        foreach (var handle in _open)
            handle.Dispose();
        _open.Clear();
    }

    /// <summary>Opens a directory (by name in its open parent, without following a symlink: one swapped in while we
    /// walk is refused, not followed; by path for the root) and lists its names in ordinal order. The access time is
    /// left alone: a snapshot should not change what it captures, nor give the next syncfs inodes to write.</summary>
    private SafeFileHandle OpenAndList(string absolute, SafeFileHandle? parent, string? name, out List<string> names)
    {
        names = [];
        SafeFileHandle directory;
        try
        {
            directory = parent is null
                ? Posix.Open(absolute, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoAccessTime)
                : Posix.OpenAt(parent, name!, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.NoAccessTime);
        }
        catch (NativeException e)
        {
            throw Error(RollbackErrorKind.Failed, absolute, "cannot be listed: " + e.Message);
        }
        try
        {
            Posix.ReadDirectory(directory, names);
        }
        catch (NativeException e)
        {
            directory.Dispose();
            throw Error(RollbackErrorKind.Failed, absolute, "cannot be listed: " + e.Message);
        }
        names.Sort(StringComparer.Ordinal);
        return directory;
    }

    /// <summary>Describes one name of an open directory and records it; null when it is not part of the snapshot.
    /// Directory is true for a directory on the component's file system, to be visited.</summary>
    private (ManifestEntry Entry, bool Directory)? VisitChild(SafeFileHandle directory, string relative, string absolute, string child)
    {
        string childRelative = relative.Length == 0 ? child : relative + "/" + child;
        string childAbsolute = absolute + "/" + child;
        if (!Posix.TryLStatAt(directory, child, out var status))
            return null; // removed while we walked: it is simply not part of this snapshot
        if (status.Kind == FileKind.Socket)
        {
            Log.SkippedSocket(_logger, _component.Component.Name, childAbsolute);
            return null;
        }
        var entry = Describe(childRelative, childAbsolute, status, directory, child);
        Interlocked.Increment(ref _counters.EntriesScanned); // components and subtrees are walked side by side
        if (entry.Kind != EntryKind.Directory)
            return (entry, false);
        if (status.Device != _device)
        {
            Log.MountPointNotCrossed(_logger, _component.Component.Name, childAbsolute);
            return (entry, false);
        }
        return (entry, true);
    }

    /// <summary>Lists, stats and lists extended attributes by the directory's descriptor (statx, readlinkat and,
    /// from Linux 6.13, listxattrat resolve one name, not the whole absolute path again); before 6.13, and to read
    /// attribute values (rare), the l-calls go by absolute path.</summary>
    /// <param name="parent">the open parent of the directory.</param>
    private void VisitDirectory(string relative, string absolute, SafeFileHandle parent, string name, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using var directory = OpenAndList(absolute, parent, name, out var names);
        foreach (string child in names)
        {
            if (VisitChild(directory, relative, absolute, child) is not { } visited)
                continue;
            _entries.Add(visited.Entry);
            if (visited.Directory)
                VisitDirectory(visited.Entry.Path, absolute + "/" + child, directory, child, cancellation);
        }
    }

    /// <param name="directory">the open parent directory and <paramref name="name"/> in it; null for the root.</param>
    private ManifestEntry Describe(string relative, string absolute, in FileStatus status, SafeFileHandle? directory, string? name)
    {
        if (status.Kind != FileKind.Directory && status.NLink > 1)
        {
            if (_firstNames.TryGetValue((status.Device, status.Inode), out string? first))
                return new ManifestEntry { Path = relative, Kind = EntryKind.HardLink, LinkTarget = first, NLink = status.NLink };
            _firstNames.Add((status.Device, status.Inode), relative);
        }
        var entry = new ManifestEntry
        {
            Path = relative,
            Kind = KindOf(status.Kind),
            Mode = status.Mode,
            Uid = status.Uid,
            Gid = status.Gid,
            MTimeSeconds = status.MTimeSeconds,
            MTimeNanoseconds = status.MTimeNanoseconds,
            CTimeSeconds = status.CTimeSeconds,
            CTimeNanoseconds = status.CTimeNanoseconds,
            Inode = status.Inode,
            NLink = status.NLink,
        };
        var before = _previous?.Find(relative);
        bool unchanged = before is not null && before.Kind == entry.Kind && before.Inode == entry.Inode
            && before.CTimeSeconds == entry.CTimeSeconds && before.CTimeNanoseconds == entry.CTimeNanoseconds;
        switch (entry.Kind)
        {
            case EntryKind.Regular:
                entry.Size = status.Size;
                _files++;
                if (!(unchanged && TryReuse(entry, before!)) && !(_reference?.Find(relative) is { Kind: EntryKind.Regular } same && TryReuse(entry, same)))
                {
                    _work.Add(new FileWork(entry, absolute, _component));
                    Interlocked.Increment(ref _counters.FilesToRead);
                    Interlocked.Add(ref _counters.BytesToRead, status.Size);
                }
                else
                {
                    _reusedFiles++;
                }
                _dataBytes += entry.DataLength;
                break;
            case EntryKind.Symlink:
                entry.LinkTarget = unchanged ? before!.LinkTarget : ReadLinkOrThrow(absolute, directory, name);
                break;
            case EntryKind.CharDevice:
            case EntryKind.BlockDevice:
                entry.RDev = status.RDev;
                break;
        }
        entry.Xattrs = unchanged ? before!.Xattrs : ReadXattrs(absolute, directory, name);
        return entry;
    }

    /// <summary>An unchanged file (same size, mtime, ctime and inode) keeps its chunk list unread.</summary>
    private static bool TryReuse(ManifestEntry entry, ManifestEntry before)
    {
        if (before.Size != entry.Size || before.MTimeSeconds != entry.MTimeSeconds || before.MTimeNanoseconds != entry.MTimeNanoseconds)
            return false;
        entry.Extents = before.Extents;
        entry.Chunks = before.Chunks;
        return true;
    }

    private string ReadLinkOrThrow(string absolute, SafeFileHandle? directory, string? name)
    {
        try
        {
            return directory is null ? Posix.ReadLink(absolute) : Posix.ReadLinkAt(directory, name!);
        }
        catch (NativeException e)
        {
            throw Error(RollbackErrorKind.Failed, absolute, "cannot be read: " + e.Message);
        }
    }

    private XattrEntry[] ReadXattrs(string absolute, SafeFileHandle? directory, string? name)
    {
        try
        {
            if (directory is null || !Posix.TryListXattrsAt(directory, name!, _xattrNames))
                Posix.ListXattrs(absolute, _xattrNames);
            if (_xattrNames.Count == 0)
                return [];
            _xattrNames.Sort(StringComparer.Ordinal);
            var result = new XattrEntry[_xattrNames.Count];
            for (int i = 0; i < result.Length; i++)
                result[i] = new XattrEntry(_xattrNames[i], Posix.GetXattr(absolute, _xattrNames[i]));
            return result;
        }
        catch (NativeException e)
        {
            throw Error(RollbackErrorKind.Failed, absolute, "extended attributes cannot be read: " + e.Message);
        }
    }

    private static EntryKind KindOf(FileKind kind) => kind switch
    {
        FileKind.Directory => EntryKind.Directory,
        FileKind.Regular => EntryKind.Regular,
        FileKind.Symlink => EntryKind.Symlink,
        FileKind.CharDevice => EntryKind.CharDevice,
        FileKind.BlockDevice => EntryKind.BlockDevice,
        FileKind.Fifo => EntryKind.Fifo,
        _ => throw new InvalidOperationException($"unexpected file kind {kind}"),
    };

    private RollbackException Error(RollbackErrorKind kind, string path, string what) =>
        new(kind, $"component {_component.Component.Name}: {path} {what}");
}
