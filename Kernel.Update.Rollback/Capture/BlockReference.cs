using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// A device as a stored point saw it: its image's chunk list and those chunks' fingerprints. Reading the device
/// again, a chunk whose fingerprint equals the reference's at the same index is that same chunk, so it takes the
/// reference's SHA-256 identity without being hashed (or stored: the store holds it).
/// </summary>
internal sealed class BlockReference
{
    private readonly ChunkRef[] _chunks;
    private readonly UInt128[] _fingerprints;

    private BlockReference(ChunkRef[] chunks, ChunkFingerprints fingerprints)
    {
        _chunks = chunks;
        _fingerprints = fingerprints.Values;
        Seed = fingerprints.Seed;
    }

    /// <summary>The seed the reference's fingerprints were made with, which the new capture keeps so they compare.</summary>
    public ulong Seed { get; }

    /// <summary>A reference from <paramref name="manifest"/> and its fingerprints, or null when they do not describe a
    /// device of <paramref name="size"/> bytes in chunks of <paramref name="chunkSize"/> (resized, or another chunk size).</summary>
    public static BlockReference? Of(Manifest? manifest, ChunkFingerprints? fingerprints, long size, int chunkSize)
    {
        var image = manifest?.Find(BlockCapture.ImageName);
        if (image is null || fingerprints is null || image.Size != size || image.Chunks.Length != fingerprints.Count)
            return null;
        for (int i = 0; i < image.Chunks.Length; i++)
            if (image.Chunks[i].Length != (int)Math.Min(chunkSize, size - (long)i * chunkSize))
                return null;
        return new BlockReference(image.Chunks, fingerprints);
    }

    /// <summary>The reference's identity of chunk <paramref name="index"/> when its fingerprint is <paramref name="fingerprint"/>.</summary>
    public bool TryMatch(int index, UInt128 fingerprint, out ChunkRef chunk)
    {
        if ((uint)index < (uint)_fingerprints.Length && _fingerprints[index] == fingerprint)
        {
            chunk = _chunks[index];
            return true;
        }
        chunk = default;
        return false;
    }
}
