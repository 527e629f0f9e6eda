namespace Kernel.Update.Rollback.Configuration;

/// <summary>Content-defined chunking bounds, in bytes: MinSize &lt; AvgSize &lt; MaxSize, AvgSize a power of two.</summary>
public sealed record ChunkingSettings(int MinSize, int AvgSize, int MaxSize)
{
    public const int Floor = 1 << 10;
    public const int Ceiling = 16 << 20;

    public static ChunkingSettings Default { get; } = new(16 << 10, 64 << 10, 256 << 10);
}
