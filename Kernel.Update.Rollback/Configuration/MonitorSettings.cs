namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// The health monitor: how often it samples, how many critical samples in a row make a trigger (hysteresis, so
/// one slow answer is not a rollback), and where it serves the local API (a Unix socket, 0600, or 0660 with a group).
/// </summary>
/// <param name="ConfirmAfterSeconds">when set, a pending update is confirmed (as by mark-good) once the device has been
/// healthy (no critical component Critical) for that long under the monitor; null: only mark-good confirms.</param>
public sealed record MonitorSettings(double IntervalSeconds, int BadSamples, string Socket, string? SocketGroup, double? ConfirmAfterSeconds = null)
{
    public const string DefaultSocket = "/run/rollback/api.sock";

    public static MonitorSettings Default { get; } = new(10, 3, DefaultSocket, null);

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    public TimeSpan? ConfirmAfter => ConfirmAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
}
