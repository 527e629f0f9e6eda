namespace Kernel.Update.Rollback.Configuration;

/// <summary>The zstd level for chunks and manifests (1..19; higher packs smaller and costs more CPU).</summary>
public sealed record CompressionSettings(int Level)
{
    public const int MinLevel = 1;
    public const int MaxLevel = 19;

    public static CompressionSettings Default { get; } = new(3);
}
