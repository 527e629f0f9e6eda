namespace Kernel.Update.Rollback.Components;

/// <summary>
/// A service to stop before a component is rolled back and to start again afterwards: either a systemd
/// <see cref="Unit"/>, or <see cref="Start"/>/<see cref="Stop"/> shell commands for devices without systemd.
/// </summary>
public sealed class ServiceSpec : IEquatable<ServiceSpec>
{
    public const int DefaultTimeoutSeconds = 30;

    private ServiceSpec(string? unit, string? start, string? stop, int timeoutSeconds)
    {
        if (timeoutSeconds <= 0)
            throw new ArgumentOutOfRangeException(nameof(timeoutSeconds), timeoutSeconds, "a service timeout must be positive");
        Unit = unit;
        Start = start;
        Stop = stop;
        TimeoutSeconds = timeoutSeconds;
    }

    public static ServiceSpec ForUnit(string unit, int timeoutSeconds = DefaultTimeoutSeconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unit);
        return new ServiceSpec(unit, null, null, timeoutSeconds);
    }

    /// <summary>Commands run by the shell; either may be absent (a service that only needs stopping, say).</summary>
    public static ServiceSpec ForCommands(string? start, string? stop, int timeoutSeconds = DefaultTimeoutSeconds)
    {
        if (string.IsNullOrWhiteSpace(start) && string.IsNullOrWhiteSpace(stop))
            throw new ArgumentException("a command service needs a start or a stop command");
        return new ServiceSpec(null, NullIfBlank(start), NullIfBlank(stop), timeoutSeconds);
    }

    /// <summary>The systemd unit, or null for a command service.</summary>
    public string? Unit { get; }

    public string? Start { get; }

    public string? Stop { get; }

    /// <summary>How long a start or stop may take before it counts as failed.</summary>
    public int TimeoutSeconds { get; }

    public bool IsUnit => Unit is not null;

    public override string ToString() => Unit ?? $"start: {Start ?? "-"}; stop: {Stop ?? "-"}";

    public bool Equals(ServiceSpec? other) =>
        other is not null && Unit == other.Unit && Start == other.Start && Stop == other.Stop && TimeoutSeconds == other.TimeoutSeconds;

    public override bool Equals(object? obj) => Equals(obj as ServiceSpec);

    public override int GetHashCode() => HashCode.Combine(Unit, Start, Stop, TimeoutSeconds);

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
