namespace Kernel.Update.Rollback.Configuration;

/// <summary>How many recovery points to keep: per component category and in all.</summary>
public sealed record RetentionSettings(int MaxPerCategory, int MaxTotal)
{
    public static RetentionSettings Default { get; } = new(5, 10);
}
