using System.Numerics;

namespace Kernel.Update.Rollback.Health;

/// <summary>
/// The levels a measured value can reach, each optional. <see cref="Below"/> is for what must stay high (free
/// bytes: a level applies when the value is under its threshold); <see cref="Reached"/> for what must stay low
/// (load: a level applies when the value is at or over it). The worst level that applies wins.
/// </summary>
public sealed record Thresholds<T>(T? Degraded, T? Warning, T? Critical)
    where T : struct, INumber<T>
{
    public bool IsEmpty => Degraded is null && Warning is null && Critical is null;

    public HealthLevel Below(T value) =>
        Critical is { } c && value < c ? HealthLevel.Critical
        : Warning is { } w && value < w ? HealthLevel.Warning
        : Degraded is { } d && value < d ? HealthLevel.Degraded
        : HealthLevel.Good;

    public HealthLevel Reached(T value) =>
        Critical is { } c && value >= c ? HealthLevel.Critical
        : Warning is { } w && value >= w ? HealthLevel.Warning
        : Degraded is { } d && value >= d ? HealthLevel.Degraded
        : HealthLevel.Good;

    /// <summary>"degraded below 1 GiB, critical below 100 MiB", for details; <paramref name="format"/> writes one value.</summary>
    public string Describe(string relation, Func<T, string> format)
    {
        var parts = new List<string>(3);
        if (Degraded is { } d)
            parts.Add($"degraded {relation} {format(d)}");
        if (Warning is { } w)
            parts.Add($"warning {relation} {format(w)}");
        if (Critical is { } c)
            parts.Add($"critical {relation} {format(c)}");
        return string.Join(", ", parts);
    }
}
