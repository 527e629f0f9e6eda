using System.Numerics;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>The optional top-level sections: each missing value takes its default, each given one is range-checked.</summary>
internal static class SettingsRules
{
    public static RetentionSettings Retention(RetentionDocument? doc, List<string> problems)
    {
        var d = RetentionSettings.Default;
        int perCategory = AtLeast(doc?.MaxPerCategory ?? d.MaxPerCategory, 1, "retention.maxPerCategory", problems);
        int total = AtLeast(doc?.MaxTotal ?? d.MaxTotal, 1, "retention.maxTotal", problems);
        return new RetentionSettings(perCategory, total);
    }

    public static ChunkingSettings Chunking(ChunkingDocument? doc, List<string> problems)
    {
        var d = ChunkingSettings.Default;
        int min = doc?.MinSize ?? d.MinSize, avg = doc?.AvgSize ?? d.AvgSize, max = doc?.MaxSize ?? d.MaxSize;
        bool inRange = true;
        foreach (var (value, name) in new[] { (min, "minSize"), (avg, "avgSize"), (max, "maxSize") })
        {
            if (value is < ChunkingSettings.Floor or > ChunkingSettings.Ceiling)
            {
                problems.Add($"chunking.{name} {value} is outside {ChunkingSettings.Floor}..{ChunkingSettings.Ceiling} bytes");
                inRange = false;
            }
        }
        // The chunker's cut mask is avgSize - 1, so a non-power of two would silently change the average.
        if (inRange && !BitOperations.IsPow2(avg))
            problems.Add($"chunking.avgSize {avg} is not a power of two");
        if (inRange && !(min < avg && avg < max))
            problems.Add($"chunking sizes must satisfy minSize < avgSize < maxSize, but they are {min}, {avg}, {max}");
        return new ChunkingSettings(min, avg, max);
    }

    public static CompressionSettings Compression(CompressionDocument? doc, List<string> problems)
    {
        int level = doc?.Level ?? CompressionSettings.Default.Level;
        if (level is < CompressionSettings.MinLevel or > CompressionSettings.MaxLevel)
            problems.Add($"compression.level {level} is outside {CompressionSettings.MinLevel}..{CompressionSettings.MaxLevel}");
        return new CompressionSettings(level);
    }

    public static BootSettings Boot(BootDocument? doc, List<string> problems)
    {
        var d = BootSettings.Default;
        int attempts = doc?.MaxAttempts ?? d.MaxAttempts;
        if (attempts is < 1 or > 100)
            problems.Add($"boot.maxAttempts {attempts} is outside 1..100");
        string reboot = doc?.RebootCommand ?? d.RebootCommand;
        if (string.IsNullOrWhiteSpace(reboot))
            problems.Add("boot.rebootCommand is empty");
        return new BootSettings(attempts, reboot);
    }

    public static long ReserveBytes(long? value, List<string> problems)
    {
        long reserve = value ?? RollbackConfig.DefaultReserveBytes;
        if (reserve < 0)
            problems.Add($"reserveBytes {reserve} is negative");
        return reserve;
    }

    /// <summary>An absolute, normalized directory; a relative one is taken from the config file's directory.</summary>
    public static string Directory(string? value, string fallback, string setting, string baseDirectory, List<string> problems)
    {
        string raw = value ?? fallback;
        if (raw.Length == 0 || raw.Contains('\0'))
        {
            problems.Add($"{setting} is {(raw.Length == 0 ? "empty" : "not a valid path")}");
            return fallback;
        }
        string full = Path.GetFullPath(raw, baseDirectory);
        return full == "/" ? full : Path.TrimEndingDirectorySeparator(full);
    }

    private static int AtLeast(int value, int min, string setting, List<string> problems)
    {
        if (value < min)
            problems.Add($"{setting} {value} must be at least {min}");
        return value;
    }
}
