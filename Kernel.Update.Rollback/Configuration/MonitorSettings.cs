namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// The health monitor: how often it samples, how many critical samples in a row make a trigger (hysteresis, so
/// one slow answer is not a rollback), and where it serves the local API (a Unix socket, 0600, or 0660 with a group).
/// </summary>
public sealed record MonitorSettings(double IntervalSeconds, int BadSamples, string Socket, string? SocketGroup)
{
    public const string DefaultSocket = "/run/rollback/api.sock";

    public static MonitorSettings Default { get; } = new(10, 3, DefaultSocket, null);

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);
}
