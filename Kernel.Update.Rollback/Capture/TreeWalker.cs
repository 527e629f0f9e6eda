using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// Walks a component tree depth-first, names in ordinal order (so an unchanged tree gives a byte-identical
/// manifest), records every name's metadata, and decides which regular files must be read: those whose
/// size, mtime, ctime or inode differ from the previous snapshot. An entry whose inode and ctime are unchanged
/// keeps its previous extended attributes and link target unread too: changing either, like any chmod, chown
/// or write, moves ctime, which no user process can set back. Stays on the component's file system.
/// </summary>
internal sealed class TreeWalker
{
    private readonly ComponentCapture _component;
    private readonly Manifest? _previous;
    private readonly Manifest? _reference;
    private readonly List<FileWork> _work;
    private readonly SnapshotCounters _counters;
    private readonly ILogger _logger;
    private readonly Dictionary<(ulong Device, ulong Inode), string> _firstNames = [];
    private readonly List<string> _xattrNames = [];
    private ulong _device;

    /// <param name="reference">a manifest whose regular files are trusted by size and mtime alone (see
    /// <see cref="SnapshotRequest.QuickCheckAgainst"/>), or null.</param>
    public TreeWalker(ComponentCapture component, Manifest? previous, Manifest? reference, List<FileWork> work, SnapshotCounters counters, ILogger logger)
    {
        _component = component;
        _previous = previous;
        _reference = reference;
        _work = work;
        _counters = counters;
        _logger = logger;
    }

    public void Walk(CancellationToken cancellation)
    {
        string root = _component.AbsoluteRoot;
        if (!Posix.TryLStat(root, out var status))
            throw Error(RollbackErrorKind.NotFound, root, "does not exist");
        if (status.Kind != FileKind.Directory)
            throw Error(RollbackErrorKind.InvalidInput, root, $"is a {status.Kind}, not a directory");
        _device = status.Device;
        _component.Entries.Add(Describe("", root, status, null, null));
        VisitDirectory("", root, null, null, cancellation);
    }

    /// <summary>Lists, stats and lists extended attributes by the directory's descriptor (statx, readlinkat and,
    /// from Linux 6.13, listxattrat resolve one name, not the whole absolute path again); before 6.13, and to read
    /// attribute values (rare), the l-calls go by absolute path.</summary>
    /// <param name="parent">the open parent of the directory, which is opened by name without following a symlink
    /// (one swapped in while we walk is refused, not followed); null for the component's root.</param>
    private void VisitDirectory(string relative, string absolute, SafeFileHandle? parent, string? name, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var names = new List<string>();
        SafeFileHandle directory;
        try
        {
            directory = parent is null
                ? Posix.OpenDirectory(absolute)
                : Posix.OpenAt(parent, name!, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow);
            Posix.ReadDirectory(directory, names);
        }
        catch (NativeException e)
        {
            throw Error(RollbackErrorKind.Failed, absolute, "cannot be listed: " + e.Message);
        }
        using (directory)
        {
            names.Sort(StringComparer.Ordinal);
            foreach (string child in names)
            {
                string childRelative = relative.Length == 0 ? child : relative + "/" + child;
                string childAbsolute = absolute + "/" + child;
                if (!Posix.TryLStatAt(directory, child, out var status))
                    continue; // removed while we walked: it is simply not part of this snapshot
                if (status.Kind == FileKind.Socket)
                {
                    Log.SkippedSocket(_logger, _component.Component.Name, childAbsolute);
                    continue;
                }
                var entry = Describe(childRelative, childAbsolute, status, directory, child);
                _component.Entries.Add(entry);
                Interlocked.Increment(ref _counters.EntriesScanned); // components are walked side by side
                if (entry.Kind == EntryKind.Directory)
                {
                    if (status.Device != _device)
                    {
                        Log.MountPointNotCrossed(_logger, _component.Component.Name, childAbsolute);
                        continue;
                    }
                    VisitDirectory(childRelative, childAbsolute, directory, child, cancellation);
                }
            }
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
                _component.Files++;
                if (!(unchanged && TryReuse(entry, before!)) && !(_reference?.Find(relative) is { Kind: EntryKind.Regular } same && TryReuse(entry, same)))
                {
                    _work.Add(new FileWork(entry, absolute, _component));
                    Interlocked.Increment(ref _counters.FilesToRead);
                    Interlocked.Add(ref _counters.BytesToRead, status.Size);
                }
                else
                {
                    _component.ReusedFiles++;
                }
                _component.DataBytes += entry.DataLength;
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
