using System.Globalization;

namespace Kernel.Update.Rollback.Health;

/// <summary>MemAvailable from /proc/meminfo (the kernel's estimate of what can be had without swapping) against thresholds.</summary>
internal static class MemoryProbe
{
    public static ProbeOutcome Check(MemoryProbeSpec spec) => Check(spec, File.ReadAllText("/proc/meminfo"));

    internal static ProbeOutcome Check(MemoryProbeSpec spec, string meminfo)
    {
        if (AvailableBytes(meminfo) is not { } available)
            return ProbeOutcome.Fail("/proc/meminfo has no MemAvailable line (kernels before 3.14 lack it)");
        return ProbeOutcome.At(spec.Thresholds.Below(available),
            $"{Units.Bytes(available)} available ({spec.Thresholds.Describe("below", Units.Bytes)})");
    }

    /// <summary>"MemAvailable:    1234 kB" as bytes.</summary>
    private static long? AvailableBytes(string meminfo)
    {
        foreach (string line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                continue;
            string[] words = line["MemAvailable:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words.Length > 0 && long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
        }
        return null;
    }
}
