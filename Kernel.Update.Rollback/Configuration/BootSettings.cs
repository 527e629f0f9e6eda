namespace Kernel.Update.Rollback.Configuration;

/// <summary>Boot protection: boots without mark-good before an emergency rollback, and how to reboot.</summary>
public sealed record BootSettings(int MaxAttempts, string RebootCommand)
{
    public static BootSettings Default { get; } = new(3, "systemctl reboot");
}
