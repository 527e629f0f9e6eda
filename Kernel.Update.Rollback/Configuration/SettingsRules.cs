using System.Numerics;
using Kernel.Update.Rollback.Health;

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
        string bootId = doc?.BootIdFile ?? d.BootIdFile;
        if (bootId.Length == 0 || bootId.Contains('\0') || !Path.IsPathRooted(bootId))
            problems.Add($"boot.bootIdFile '{bootId}' is not an absolute path");
        return new BootSettings(attempts, reboot, bootId);
    }

    public static MonitorSettings Monitor(MonitorDocument? doc, List<string> problems)
    {
        var d = MonitorSettings.Default;
        double interval = doc?.IntervalSeconds ?? d.IntervalSeconds;
        if (!(interval is >= 0.05 and <= 86_400))
            problems.Add($"monitor.intervalSeconds {interval} is outside 0.05..86400");
        int bad = doc?.BadSamples ?? d.BadSamples;
        if (bad is < 1 or > 1000)
            problems.Add($"monitor.badSamples {bad} is outside 1..1000");
        string socket = doc?.Socket ?? d.Socket;
        if (socket.Length == 0 || socket.Contains('\0') || !Path.IsPathRooted(socket))
            problems.Add($"monitor.socket '{socket}' is not an absolute path");
        // sockaddr_un.sun_path holds 108 bytes with its terminating NUL.
        else if (System.Text.Encoding.UTF8.GetByteCount(socket) > 107)
            problems.Add($"monitor.socket '{socket}' is longer than the 107 bytes a Unix socket path may have");
        string? group = doc?.SocketGroup;
        if (group is not null && (group.Length == 0 || group.Contains('\0') || group.Contains(':')))
            problems.Add($"monitor.socketGroup '{group}' is not a group name");
        double? confirm = doc?.ConfirmAfterSeconds;
        if (confirm is not null and not (>= 1 and <= 30 * 86_400))
            problems.Add($"monitor.confirmAfterSeconds {confirm} is outside 1..2592000");
        return new MonitorSettings(interval, bad, socket, group, confirm);
    }

    public static AutoRollbackSettings AutoRollback(AutoRollbackDocument? doc, List<string> problems)
    {
        var d = AutoRollbackSettings.Default;
        var triggers = new List<TriggerKind>();
        if (doc?.Triggers is { } names)
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (Enum.TryParse<TriggerKind>(names[i], ignoreCase: false, out var kind) && Enum.IsDefined(kind) && !int.TryParse(names[i], out _))
                    triggers.Add(kind);
                else
                    problems.Add($"autoRollback.triggers[{i}] '{names[i]}' is not a trigger (one of {string.Join(", ", Enum.GetNames<TriggerKind>())})");
            }
        }
        else
            triggers.AddRange(d.Triggers);
        double maxTime = doc?.MaxRollbackSeconds ?? d.MaxRollbackSeconds;
        if (!(maxTime is >= 1 and <= 86_400))
            problems.Add($"autoRollback.maxRollbackSeconds {maxTime} is outside 1..86400");
        double cooldown = doc?.CooldownSeconds ?? d.CooldownSeconds;
        if (!(cooldown is >= 0 and <= 7 * 86_400))
            problems.Add($"autoRollback.cooldownSeconds {cooldown} is outside 0..604800");
        int perBoot = doc?.MaxPerBoot ?? d.MaxPerBoot;
        if (perBoot is < 0 or > 100)
            problems.Add($"autoRollback.maxPerBoot {perBoot} is outside 0..100");
        var priority = new List<string>();
        for (int i = 0; i < (doc?.PriorityComponents?.Count ?? 0); i++)
        {
            if (doc!.PriorityComponents![i] is { Length: > 0 } name)
                priority.Add(name);
            else
                problems.Add($"autoRollback.priorityComponents[{i}] is empty");
        }
        return new AutoRollbackSettings(doc?.Enabled ?? d.Enabled, triggers, maxTime, doc?.PartialAllowed ?? d.PartialAllowed, priority, cooldown, perBoot);
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
