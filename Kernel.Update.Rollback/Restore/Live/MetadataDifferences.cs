using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// The one rule for "its metadata differs" (owner, permission bits, mtime, extended attributes), shared by
/// the comparison of a live tree (<see cref="LiveTreeComparer"/>) and of a manifest of it (<see cref="ManifestComparer"/>),
/// so <c>rollbackctl diff</c> and a rollback agree on what they report and fix.
/// </summary>
internal static class MetadataDifferences
{
    /// <summary>What differs, for people; null when nothing does (the common case, which so allocates nothing).
    /// A hard link's metadata is its first name's.</summary>
    public static List<string>? Of(ManifestEntry wanted, uint uid, uint gid, uint mode, long mtimeSeconds, uint mtimeNanoseconds, bool sameXattrs)
    {
        if (wanted.Kind == EntryKind.HardLink)
            return null;
        List<string>? differences = null;
        if (uid != wanted.Uid || gid != wanted.Gid)
            (differences ??= []).Add($"owner {uid}:{gid}, was {wanted.Uid}:{wanted.Gid}");
        if (wanted.Kind != EntryKind.Symlink && (mode & 0xFFF) != (wanted.Mode & 0xFFF))
            (differences ??= []).Add($"mode {Convert.ToString(mode & 0xFFF, 8)}, was {Convert.ToString(wanted.Mode & 0xFFF, 8)}");
        if (mtimeSeconds != wanted.MTimeSeconds || mtimeNanoseconds != wanted.MTimeNanoseconds)
            (differences ??= []).Add("mtime");
        if (!sameXattrs)
            (differences ??= []).Add("extended attributes");
        return differences;
    }

    public static void Record(LivePlan plan, ManifestEntry wanted, List<string>? differences)
    {
        if (differences is null || differences.Count == 0)
            return;
        plan.FixMetadata.Add(wanted);
        plan.Changes.Add(new LiveChange(wanted.Path.Length == 0 ? "." : wanted.Path, LiveChangeKind.Metadata, string.Join(", ", differences)));
    }
}
