using System.Collections.Concurrent;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// The hash of an all-zero chunk, by length, computed once. Most of a block device is often never-written space
/// (a fresh 512 MiB ext4 holding a 200 MiB tree is ~75% zeros); testing for zeros runs at memory speed, many
/// times faster than SHA-256, so block reads and comparisons hash only chunks that hold data.
/// </summary>
internal static class ZeroChunks
{
    private static readonly ConcurrentDictionary<int, Hash256> Hashes = new();

    /// <summary>The chunk's hash: precomputed if it is all zeros, else computed.</summary>
    public static Hash256 HashOf(ReadOnlySpan<byte> chunk) =>
        chunk.IndexOfAnyExcept((byte)0) < 0 ? Hashes.GetOrAdd(chunk.Length, static length => Hash256.Compute(new byte[length])) : Hash256.Compute(chunk);
}
