namespace Kernel.Update.Rollback.Configuration;

/// <summary>Boot protection: unconfirmed boots before an emergency rollback, how to reboot after it, and where the
/// kernel tells which boot this is (a file whose content changes every boot; tests point it at their own file).</summary>
public sealed record BootSettings(int MaxAttempts, string RebootCommand, string BootIdFile)
{
    public const string KernelBootIdFile = "/proc/sys/kernel/random/boot_id";

    public static BootSettings Default { get; } = new(3, "systemctl reboot", KernelBootIdFile);
}
