using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// For a rollback in place on a file system with reflinks (btrfs, XFS): the files a plan must write whose content
/// a live file of the same component already holds (the update moved or renamed them, or the tree keeps copies),
/// each with that live file as the safety point just recorded it. The restore clones such a file (FICLONE: shared
/// extents, no data written) instead of decoding and writing its chunks, when the live file still has the size,
/// mtime, ctime and inode the safety point saw; anything else, or a file system without reflinks, is written as before.
/// </summary>
public static class ReflinkSources
{
    /// <summary>Regular, non-sparse files of at least this size are worth a clone; smaller ones cost as much either way.</summary>
    public const long MinimumSize = 4096;

    /// <summary>Pairs each regular file <paramref name="plan"/> creates with a live file of <paramref name="live"/> (the
    /// safety point's manifest of the same tree) that holds exactly its content; files without one are left out.</summary>
    public static Dictionary<ManifestEntry, ManifestEntry> Match(Manifest live, LivePlan plan)
    {
        var pairs = new Dictionary<ManifestEntry, ManifestEntry>(ReferenceEqualityComparer.Instance);
        var sizes = new HashSet<long>();
        foreach (var wanted in plan.Create)
            if (Cloneable(wanted))
                sizes.Add(wanted.Size);
        if (sizes.Count == 0)
            return pairs;
        var bySize = new Dictionary<long, List<ManifestEntry>>();
        foreach (var entry in live.Entries)
        {
            if (!Cloneable(entry) || !sizes.Contains(entry.Size))
                continue;
            if (!bySize.TryGetValue(entry.Size, out var list))
                bySize[entry.Size] = list = [];
            list.Add(entry);
        }
        foreach (var wanted in plan.Create)
        {
            if (!Cloneable(wanted) || !bySize.TryGetValue(wanted.Size, out var candidates))
                continue;
            foreach (var candidate in candidates)
            {
                if (candidate.Chunks.AsSpan().SequenceEqual(wanted.Chunks))
                {
                    pairs[wanted] = candidate;
                    break;
                }
            }
        }
        return pairs;
    }

    private static bool Cloneable(ManifestEntry entry) =>
        entry.Kind == EntryKind.Regular && !entry.IsSparse && entry.Size >= MinimumSize && entry.Chunks.Length > 0;
}
