using System.Globalization;

namespace Kernel.Update.Rollback.Health;

/// <summary>The 1-minute load average, the first field of /proc/loadavg, against thresholds.</summary>
internal static class LoadProbe
{
    public static ProbeOutcome Check(LoadProbeSpec spec)
    {
        string text = File.ReadAllText("/proc/loadavg");
        string first = text.Split(' ', 2)[0];
        if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double load))
            return ProbeOutcome.Fail($"/proc/loadavg starts with '{first}', not a load average");
        return ProbeOutcome.At(spec.Thresholds.Reached(load),
            $"1-minute load average {Format(load)} ({spec.Thresholds.Describe("at", Format)})");
    }

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
