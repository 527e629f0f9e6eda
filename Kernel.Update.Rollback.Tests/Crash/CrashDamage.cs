namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>How much of what was not yet durable a power cut takes away.</summary>
internal enum CrashDamage
{
    /// <summary>Everything not synced is lost: unsynced data, names not made durable by a directory fsync.</summary>
    AllUnsyncedLost,

    /// <summary>Nothing is lost (the page cache made it to disk): what a process kill leaves.</summary>
    NothingLost,

    /// <summary>Each directory's unsynced names and each unsynced file independently lost or kept; a file's data may also be
    /// torn (some 4 KiB pages new, some old, the length of either), as a file system may leave it.</summary>
    Mixed,
}

internal static class CrashDamages
{
    /// <summary>The damage of seed <paramref name="seed"/>: the two extremes first, then mixes.</summary>
    public static CrashDamage OfSeed(int seed) => seed switch
    {
        0 => CrashDamage.AllUnsyncedLost,
        1 => CrashDamage.NothingLost,
        _ => CrashDamage.Mixed,
    };
}
