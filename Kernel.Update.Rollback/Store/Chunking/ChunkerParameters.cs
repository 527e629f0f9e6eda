using System.Numerics;

namespace Kernel.Update.Rollback.Store.Chunking;

/// <summary>
/// Chunk sizes for <see cref="FastCdc"/>: every chunk but the last of a region is within
/// [<see cref="MinSize"/>, <see cref="MaxSize"/>] and their mean is close to <see cref="AvgSize"/>.
/// </summary>
/// <remarks>
/// Changing any size changes every boundary, so a store keeps the parameters it was created with:
/// a recovery point chunked differently shares almost nothing with the ones before it.
/// </remarks>
public readonly struct ChunkerParameters : IEquatable<ChunkerParameters>
{
    /// <summary>The gear hash sees the last 64 bytes; a smaller chunk would not be content-defined anyway.</summary>
    public const int MinimumMinSize = 64;

    public const int MinimumAvgSize = 256;

    /// <summary>Keeps a streaming buffer of a few maximum chunks well inside an array.</summary>
    public const int MaximumMaxSize = 256 << 20;

    public ChunkerParameters(int minSize, int avgSize, int maxSize)
    {
        if (minSize < MinimumMinSize)
            ChunkingThrowHelper.ThrowArgument($"The minimum chunk size must be at least {MinimumMinSize} bytes, not {minSize}.", nameof(minSize));
        if (avgSize < MinimumAvgSize || !BitOperations.IsPow2(avgSize))
            ChunkingThrowHelper.ThrowArgument($"The average chunk size must be a power of two of at least {MinimumAvgSize} bytes, not {avgSize}.", nameof(avgSize));
        if (minSize > avgSize)
            ChunkingThrowHelper.ThrowArgument($"The minimum chunk size ({minSize}) exceeds the average ({avgSize}).", nameof(minSize));
        if (maxSize < avgSize || maxSize > MaximumMaxSize)
            ChunkingThrowHelper.ThrowArgument($"The maximum chunk size must be between the average ({avgSize}) and {MaximumMaxSize} bytes, not {maxSize}.", nameof(maxSize));

        MinSize = minSize;
        AvgSize = avgSize;
        MaxSize = maxSize;
        // Normalized chunking, level 2: two more bits below the average make cuts rarer, two fewer above it
        // make them likelier, which narrows the size distribution around the average.
        int bits = BitOperations.Log2((uint)avgSize);
        MaskSmall = TopBits(bits + 2);
        MaskLarge = TopBits(bits - 2);
    }

    public int MinSize { get; }

    public int AvgSize { get; }

    public int MaxSize { get; }

    /// <summary>Cut mask before <see cref="AvgSize"/>. Masks take the hash's top bits, which depend on the
    /// last 64 bytes; the low bits of a gear hash see only as many bytes as the mask has bits.</summary>
    internal ulong MaskSmall { get; }

    /// <summary>Cut mask from <see cref="AvgSize"/> on.</summary>
    internal ulong MaskLarge { get; }

    /// <summary>False for <c>default</c>, which no chunker accepts.</summary>
    public bool IsInitialized => MaxSize != 0;

    /// <summary>The usual shape: minimum a quarter of the average, maximum four times it.</summary>
    public static ChunkerParameters ForAverage(int avgSize) => new(avgSize / 4, avgSize, avgSize * 4);

    private static ulong TopBits(int count) => ~0UL << (64 - count);

    public bool Equals(ChunkerParameters other) => MinSize == other.MinSize && AvgSize == other.AvgSize && MaxSize == other.MaxSize;

    public override bool Equals(object? obj) => obj is ChunkerParameters other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(MinSize, AvgSize, MaxSize);

    public static bool operator ==(ChunkerParameters left, ChunkerParameters right) => left.Equals(right);

    public static bool operator !=(ChunkerParameters left, ChunkerParameters right) => !left.Equals(right);

    public override string ToString() => $"min {MinSize}, avg {AvgSize}, max {MaxSize}";
}
