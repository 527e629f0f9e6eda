using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Store.Chunking;

/// <summary>
/// FastCDC content-defined chunking (Xia et al., USENIX ATC 2016; IEEE TPDS 2020): a gear rolling hash,
/// the first <see cref="ChunkerParameters.MinSize"/> bytes of a chunk skipped, and normalized chunking
/// (level 2) with a stricter mask before the average size than after it.
/// </summary>
/// <remarks>
/// Boundaries depend only on the bytes from the chunk's start, so an edit moves the boundaries next to it
/// and the chunker falls back into step soon after: that is what lets recovery points share chunks.
/// </remarks>
public static class FastCdc
{
    /// <summary>
    /// Returns the length of the chunk that starts at <c>data[0]</c>.
    /// </summary>
    /// <param name="data">The bytes from the chunk's start on.</param>
    /// <param name="p">Chunk sizes.</param>
    /// <param name="isFinal">True when <paramref name="data"/> runs to the end of the region, so that its last
    /// bytes form a chunk even without a cut point.</param>
    /// <returns>The chunk length, between 1 and <see cref="ChunkerParameters.MaxSize"/>; when
    /// <paramref name="isFinal"/>, at most <c>data.Length</c> (0 only for empty data). When not final and
    /// <paramref name="data"/> is shorter than the maximum with no cut point in it, 0: "give me more data".
    /// The answer for a prefix never contradicts the answer for the whole, so retrying with more data is safe.</returns>
    public static int NextCut(ReadOnlySpan<byte> data, in ChunkerParameters p, bool isFinal)
    {
        int max = p.MaxSize;
        if (max == 0)
            ChunkingThrowHelper.ThrowUninitializedParameters();

        int length = data.Length;
        if (length <= p.MinSize)
            return isFinal ? length : 0;

        int end = Math.Min(length, max);
        int normal = Math.Min(p.AvgSize, end);
        ref byte source = ref MemoryMarshal.GetReference(data);
        ref ulong gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Pinned);
        ulong hash = 0;

        int cut = Scan(ref source, ref gear, p.MinSize, normal, p.MaskSmall, ref hash);
        if (cut != 0)
            return cut;
        cut = Scan(ref source, ref gear, normal, end, p.MaskLarge, ref hash);
        if (cut != 0)
            return cut;

        if (end == max)
            return max;
        return isFinal ? length : 0;
    }

    /// <summary>Splits a whole region (the last chunk ends at its end); use with <c>foreach</c>.</summary>
    public static ChunkEnumerator Chunks(ReadOnlySpan<byte> region, in ChunkerParameters p) => new(region, p);

    /// <summary>
    /// Rolls the gear hash over <c>[start, end)</c>; returns the length of the chunk ending at the first byte
    /// whose hash has no bit of <paramref name="mask"/> set, or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Scan(ref byte source, ref ulong gear, int start, int end, ulong mask, ref ulong hash)
    {
        ulong h = hash;
        nint i = start;
        nint stop = end;
        for (; i + 4 <= stop; i += 4)
        {
            h = (h << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref source, i));
            if ((h & mask) == 0)
                return (int)i + 1;
            h = (h << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref source, i + 1));
            if ((h & mask) == 0)
                return (int)i + 2;
            h = (h << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref source, i + 2));
            if ((h & mask) == 0)
                return (int)i + 3;
            h = (h << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref source, i + 3));
            if ((h & mask) == 0)
                return (int)i + 4;
        }
        for (; i < stop; i++)
        {
            h = (h << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref source, i));
            if ((h & mask) == 0)
                return (int)i + 1;
        }
        hash = h;
        return 0;
    }
}
