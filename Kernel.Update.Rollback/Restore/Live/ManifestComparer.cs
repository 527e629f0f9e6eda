using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// The plan that makes a live tree equal to a snapshot, computed from a manifest of the live tree taken just
/// before (a rollback's PreRollback safety point) instead of walking the tree a second time. The rules are
/// <see cref="LiveTreeComparer"/>'s: the safety point kept the target's chunk list for each file whose size and
/// mtime match it (the same quick check), and read and chunked every other file, so comparing chunk lists here
/// is comparing content there.
/// </summary>
public static class ManifestComparer
{
    public static LivePlan Compare(Manifest live, Manifest target)
    {
        var plan = new LivePlan(target);
        // Live names the target lacks, topmost only: a directory goes with everything in it (so does one that is
        // something else in the target; that one is removed and reported below).
        var removed = new HashSet<string>(StringComparer.Ordinal);
        // Looked up by span: a path's every ancestor is asked about, and a substring for each would be most of the work.
        var removedLookup = removed.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var entry in live.Entries)
        {
            if (entry.Path.Length == 0 || UnderAny(removedLookup, entry.Path))
                continue;
            var wanted = target.Find(entry.Path);
            if (wanted is not null && SameKind(entry, wanted))
                continue;
            removed.Add(entry.Path);
            if (wanted is not null)
                continue;
            plan.Remove.Add(entry.Path);
            plan.Changes.Add(new LiveChange(entry.Path, LiveChangeKind.Added, "not in the recovery point"));
        }

        // Target entries in order (parents first): a directory that must be made anew brings its whole subtree.
        var recreated = new HashSet<string>(StringComparer.Ordinal);
        var recreatedLookup = recreated.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var wanted in target.Entries)
        {
            if (wanted.Path.Length > 0 && recreatedLookup.Contains(Parent(wanted.Path)))
            {
                Recreate(plan, recreated, wanted);
                continue;
            }
            var found = live.Find(wanted.Path);
            if (found is null)
            {
                plan.Changes.Add(new LiveChange(wanted.Path.Length == 0 ? "." : wanted.Path, LiveChangeKind.Removed, "missing from the live tree"));
                Recreate(plan, recreated, wanted);
                continue;
            }
            if (!SameKind(found, wanted))
            {
                plan.Remove.Add(wanted.Path);
                plan.Changes.Add(new LiveChange(wanted.Path, LiveChangeKind.Modified, $"is a {found.Kind}, was a {wanted.Kind}"));
                Recreate(plan, recreated, wanted);
                continue;
            }
            if (ContentDifference(found, wanted) is { } difference)
            {
                plan.Create.Add(wanted);
                plan.Changes.Add(new LiveChange(wanted.Path, LiveChangeKind.Modified, difference));
                continue;
            }
            MetadataDifferences.Record(plan, wanted, MetadataDifferences.Of(wanted, found.Uid, found.Gid, found.Mode,
                found.MTimeSeconds, found.MTimeNanoseconds, SameXattrs(found.Xattrs, wanted.Xattrs)));
        }
        return plan;
    }

    /// <summary>
    /// The regular files of <paramref name="restoring"/> whose content <paramref name="other"/> does not have at the same
    /// path (different chunks, another kind, or no such name). Between a rollback's target and its safety point (the live
    /// system as it was), these are the only files the rollback, or a revert of it, rewrites: after a power cut, the ones
    /// whose size and mtime may have reached the disk without all of their data. Null <paramref name="other"/>: all of them.
    /// </summary>
    public static HashSet<string> ContentChanges(Manifest restoring, Manifest? other)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in restoring.Entries)
        {
            if (entry.Kind != EntryKind.Regular)
                continue;
            if (other?.Find(entry.Path) is not { Kind: EntryKind.Regular } before || before.Size != entry.Size || !SameContent(before, entry))
                paths.Add(entry.Path);
        }
        return paths;
    }

    private static void Recreate(LivePlan plan, HashSet<string> recreated, ManifestEntry wanted)
    {
        plan.Create.Add(wanted);
        if (wanted.Kind == EntryKind.Directory)
            recreated.Add(wanted.Path);
    }

    /// <summary>A hard link and a regular file are both regular files on disk: which one an entry is depends on
    /// walk order, so the two are compared by <see cref="ContentDifference"/> instead.</summary>
    private static bool SameKind(ManifestEntry found, ManifestEntry wanted) =>
        found.Kind == wanted.Kind || IsFile(found.Kind) && IsFile(wanted.Kind);

    private static bool IsFile(EntryKind kind) => kind is EntryKind.Regular or EntryKind.HardLink;

    private static string? ContentDifference(ManifestEntry found, ManifestEntry wanted) => wanted.Kind switch
    {
        EntryKind.HardLink when found.Kind != EntryKind.HardLink || found.LinkTarget != wanted.LinkTarget => $"is not a hard link of {wanted.LinkTarget}",
        EntryKind.Regular when found.Kind == EntryKind.HardLink => $"is a hard link of {found.LinkTarget}",
        EntryKind.Regular when found.Size != wanted.Size => $"size {found.Size}, was {wanted.Size}",
        EntryKind.Regular when !SameContent(found, wanted) => "content differs",
        EntryKind.Symlink when found.LinkTarget != wanted.LinkTarget => $"points to {found.LinkTarget}, was {wanted.LinkTarget}",
        EntryKind.CharDevice or EntryKind.BlockDevice when found.RDev != wanted.RDev => "device number differs",
        _ => null,
    };

    private static bool SameContent(ManifestEntry found, ManifestEntry wanted)
    {
        if (found.IsSparse || wanted.IsSparse)
        {
            if (found.Extents is null || wanted.Extents is null || !found.Extents.AsSpan().SequenceEqual(wanted.Extents))
                return false;
        }
        return found.Chunks.AsSpan().SequenceEqual(wanted.Chunks);
    }

    private static bool SameXattrs(XattrEntry[] found, XattrEntry[] wanted)
    {
        if (found.Length != wanted.Length)
            return false;
        for (int i = 0; i < found.Length; i++)
            if (found[i].Name != wanted[i].Name || !found[i].Value.AsSpan().SequenceEqual(wanted[i].Value))
                return false;
        return true;
    }

    private static bool UnderAny(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> directories, string path)
    {
        if (directories.Set.Count == 0)
            return false;
        for (int slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            if (directories.Contains(path.AsSpan(0, slash)))
                return true;
        return false;
    }

    private static ReadOnlySpan<char> Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? [] : path.AsSpan(0, slash);
    }
}
