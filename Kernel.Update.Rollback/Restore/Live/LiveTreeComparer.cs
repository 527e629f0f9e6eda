using System.Buffers;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// Compares a live tree with a component snapshot, stat first: a regular file whose size and mtime match is
/// taken as unchanged; one whose size matches but mtime does not is read, cut with the same chunker and its
/// chunk hashes compared, so a touched-but-identical file costs a metadata fix, not a rewrite. Walks by
/// directory descriptors (see <see cref="ComponentTree"/>), never through a symlink.
/// </summary>
/// <remarks>
/// Per name it allocates only the name getdents returns: directories' children are grouped by span lookups (no
/// parent substring per entry), and each directory level keeps one reused table of its live names, in which the
/// snapshot's names are looked up by span (no name substring per entry).
/// </remarks>
public sealed class LiveTreeComparer(ChunkerParameters chunking)
{
    private static readonly List<ManifestEntry> NoChildren = [];

    private readonly List<string> _names = [];
    private readonly List<string> _xattrNames = [];
    // By depth: a directory's table stays in use while its subdirectories are compared.
    private readonly List<Dictionary<string, bool>> _liveByDepth = [];

    private IReadOnlySet<string>? _distrust;

    /// <param name="distrust">regular files (by path) to compare by content even when size and mtime match: those an
    /// interrupted restore may have rewritten, whose times can have reached the disk without all of their data.</param>
    public LivePlan Compare(ComponentTree? tree, Manifest manifest, IReadOnlySet<string>? distrust = null)
    {
        _distrust = distrust;
        var plan = new LivePlan(manifest);
        var children = ChildrenByParent(manifest);
        if (tree is null)
        {
            foreach (var entry in manifest.Entries)
                Missing(plan, entry);
            return plan;
        }
        var root = manifest.Entries[0];
        var rootStatus = Posix.FStat(tree.Root);
        CompareMetadata(plan, root, rootStatus, tree.Root, ".", tree);
        CompareDirectory(plan, tree, "", tree.Root, children, depth: 0);
        return plan;
    }

    /// <summary>Manifest entries are in depth-first order, so each directory's children follow it; group them by parent path.</summary>
    private static Dictionary<string, List<ManifestEntry>> ChildrenByParent(Manifest manifest)
    {
        var children = new Dictionary<string, List<ManifestEntry>>(StringComparer.Ordinal);
        var byParent = children.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int i = 1; i < manifest.Entries.Count; i++)
        {
            var entry = manifest.Entries[i];
            int slash = entry.Path.LastIndexOf('/');
            var parent = slash < 0 ? [] : entry.Path.AsSpan(0, slash);
            if (!byParent.TryGetValue(parent, out var list))
                byParent[parent] = list = []; // the parent's string is made once per directory, not per entry
            list.Add(entry);
        }
        return children;
    }

    private void CompareDirectory(LivePlan plan, ComponentTree tree, string relative, SafeFileHandle directory,
        Dictionary<string, List<ManifestEntry>> children, int depth)
    {
        var desired = children.GetValueOrDefault(relative) ?? NoChildren;
        if (_liveByDepth.Count == depth)
            _liveByDepth.Add(new Dictionary<string, bool>(StringComparer.Ordinal));
        // Live name -> whether the snapshot has it too.
        var live = _liveByDepth[depth];
        live.Clear();
        Posix.ReadDirectory(directory, _names);
        foreach (string name in _names)
            live[name] = false;
        var liveByName = live.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var entry in desired)
            if (liveByName.ContainsKey(NameOf(entry.Path)))
                liveByName[NameOf(entry.Path)] = true;
        foreach (string name in _names)
        {
            if (!live[name])
            {
                string path = Join(relative, name);
                plan.Remove.Add(path);
                plan.Changes.Add(new LiveChange(path, LiveChangeKind.Added, "not in the recovery point"));
            }
        }
        foreach (var entry in desired)
        {
            // The live name's own string: the snapshot's name is not cut out of its path.
            if (!liveByName.TryGetValue(NameOf(entry.Path), out string? name, out _) || !Posix.TryLStatAt(directory, name, out var status))
            {
                MissingSubtree(plan, entry, children);
                continue;
            }
            var kind = ExpectedKind(entry);
            if (status.Kind != kind)
            {
                plan.Remove.Add(entry.Path);
                plan.Changes.Add(new LiveChange(entry.Path, LiveChangeKind.Modified, $"is a {status.Kind}, was a {kind}"));
                MissingSubtree(plan, entry, children, report: false);
                continue;
            }
            if (!CompareContent(plan, tree, entry, status, directory, name))
                continue;
            CompareMetadata(plan, entry, status, directory, name, tree);
            if (entry.Kind == EntryKind.Directory)
            {
                using var child = Posix.OpenBeneath(directory, name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.NoAccessTime, 0,
                    ResolveFlags.Beneath | ResolveFlags.NoSymlinks);
                CompareDirectory(plan, tree, entry.Path, child, children, depth + 1);
            }
        }
    }

    /// <summary>False when the entry must be recreated (recorded in the plan).</summary>
    private bool CompareContent(LivePlan plan, ComponentTree tree, ManifestEntry entry, in FileStatus status, SafeFileHandle directory, string name)
    {
        string? difference = entry.Kind switch
        {
            EntryKind.Regular when status.Size != entry.Size => $"size {status.Size}, was {entry.Size}",
            EntryKind.Regular when (status.MTimeSeconds != entry.MTimeSeconds || status.MTimeNanoseconds != entry.MTimeNanoseconds
                    || _distrust?.Contains(entry.Path) == true)
                && !SameChunks(directory, name, entry) => "content differs",
            EntryKind.Symlink when Posix.ReadLinkAt(directory, name) is var target && target != entry.LinkTarget => $"points to {target}, was {entry.LinkTarget}",
            EntryKind.CharDevice or EntryKind.BlockDevice when status.RDev != entry.RDev => "device number differs",
            EntryKind.HardLink when !SameInode(tree, entry, status) => $"is not a hard link of {entry.LinkTarget}",
            _ => null,
        };
        if (difference is null)
            return true;
        plan.Create.Add(entry);
        plan.Changes.Add(new LiveChange(entry.Path, LiveChangeKind.Modified, difference));
        return false;
    }

    private static bool SameInode(ComponentTree tree, ManifestEntry entry, in FileStatus status)
    {
        string target = entry.LinkTarget!;
        int slash = target.LastIndexOf('/');
        try
        {
            using var dir = tree.OpenDirectory(slash < 0 ? "" : target[..slash]);
            return Posix.TryLStatAt(dir, target[(slash + 1)..], out var first) && first.Inode == status.Inode && first.Device == status.Device;
        }
        catch (NativeException)
        {
            return false;
        }
    }

    private void CompareMetadata(LivePlan plan, ManifestEntry entry, in FileStatus status, SafeFileHandle directory, string name, ComponentTree tree)
    {
        if (entry.Kind == EntryKind.HardLink)
            return; // its metadata is its first name's
        bool sameXattrs = name == "." ? SameXattrs(entry, tree.AbsoluteRoot, null, name) : SameXattrs(entry, null, directory, name);
        MetadataDifferences.Record(plan, entry,
            MetadataDifferences.Of(entry, status.Uid, status.Gid, status.Mode, status.MTimeSeconds, status.MTimeNanoseconds, sameXattrs));
    }

    /// <param name="path">the root's path, or null: then <paramref name="name"/> in <paramref name="directory"/>, listed by
    /// listxattrat (Linux 6.13, one name resolved), and reached through /proc/self/fd/N/name (a procfs lookup per call)
    /// only on older kernels or to read values, which few entries have.</param>
    private bool SameXattrs(ManifestEntry entry, string? path, SafeFileHandle? directory, string name)
    {
        if (path is not null || !Posix.TryListXattrsAt(directory!, name, _xattrNames))
            Posix.ListXattrs(path ??= ComponentTree.XattrPath(directory!, name), _xattrNames);
        if (_xattrNames.Count != entry.Xattrs.Length)
            return false;
        if (entry.Xattrs.Length == 0)
            return true; // most names: no path string to build
        path ??= ComponentTree.XattrPath(directory!, name);
        foreach (var xattr in entry.Xattrs)
            if (!Posix.TryGetXattr(path, xattr.Name, out var value) || !value.AsSpan().SequenceEqual(xattr.Value))
                return false;
        return true;
    }

    /// <summary>Reads the live file and compares its chunk hashes with the snapshot's (sparse files by their data extents).</summary>
    private bool SameChunks(SafeFileHandle directory, string name, ManifestEntry entry)
    {
        if (entry.IsSparse)
            return false; // rare: rewrite rather than map holes
        using var file = Posix.OpenAt(directory, name, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.NoAccessTime);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(4 * chunking.MaxSize, 1 << 20));
        try
        {
            int index = 0, filled = 0;
            long position = 0;
            while (true)
            {
                int got = filled < buffer.Length ? RandomAccess.Read(file, buffer.AsSpan(filled), position) : 0;
                filled += got;
                position += got;
                bool final = got == 0;
                int consumed = 0;
                while (consumed < filled)
                {
                    var rest = buffer.AsSpan(consumed, filled - consumed);
                    int cut = FastCdc.NextCut(rest, chunking, final);
                    if (cut == 0)
                        break;
                    if (index >= entry.Chunks.Length || entry.Chunks[index].Length != cut || Hash256.Compute(rest[..cut]) != entry.Chunks[index].Hash)
                        return false;
                    index++;
                    consumed += cut;
                }
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (final)
                    return filled == 0 && index == entry.Chunks.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void MissingSubtree(LivePlan plan, ManifestEntry entry, Dictionary<string, List<ManifestEntry>> children, bool report = true)
    {
        if (report)
            plan.Changes.Add(new LiveChange(entry.Path, LiveChangeKind.Removed, "missing from the live tree"));
        plan.Create.Add(entry);
        if (entry.Kind != EntryKind.Directory)
            return;
        foreach (var child in children.GetValueOrDefault(entry.Path) ?? NoChildren)
            MissingSubtree(plan, child, children, report: false);
    }

    private static void Missing(LivePlan plan, ManifestEntry entry)
    {
        plan.Create.Add(entry);
        if (entry.Path.Length == 0)
            plan.Changes.Add(new LiveChange(".", LiveChangeKind.Removed, "the component's directory is missing"));
    }

    private static FileKind ExpectedKind(ManifestEntry entry) => entry.Kind switch
    {
        EntryKind.Directory => FileKind.Directory,
        EntryKind.Regular or EntryKind.HardLink => FileKind.Regular,
        EntryKind.Symlink => FileKind.Symlink,
        EntryKind.CharDevice => FileKind.CharDevice,
        EntryKind.BlockDevice => FileKind.BlockDevice,
        EntryKind.Fifo => FileKind.Fifo,
        _ => throw new RollbackException(RollbackErrorKind.CorruptedData, $"manifest entry {entry.Path} has unknown kind {entry.Kind}"),
    };

    private static ReadOnlySpan<char> NameOf(string path) => path.AsSpan(path.LastIndexOf('/') + 1);

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
}
