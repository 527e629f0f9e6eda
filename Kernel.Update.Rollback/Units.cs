using System.Globalization;

namespace Kernel.Update.Rollback;

/// <summary>Numbers for people: sizes in binary units, durations in the unit that reads best.</summary>
public static class Units
{
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    public static string Duration(TimeSpan duration) => duration.TotalSeconds < 1
        ? ((int)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms"
        : duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
