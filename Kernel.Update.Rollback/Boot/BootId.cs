using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Boot;

/// <summary>Which boot this is: the kernel's random boot id, new at every boot, so a boot is counted once however
/// often boot-check runs in it (a unit restarted, a boot cut off and boot-check run again by hand).</summary>
public static class BootId
{
    public static string Current(BootSettings settings)
    {
        string text;
        try
        {
            text = File.ReadAllText(settings.BootIdFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RollbackException(RollbackErrorKind.SystemInInvalidState,
                $"cannot read the boot id from {settings.BootIdFile} (boot.bootIdFile): {e.Message}");
        }
        if (text.Length == 0)
            throw new RollbackException(RollbackErrorKind.SystemInInvalidState, $"the boot id file {settings.BootIdFile} is empty");
        return text;
    }
}
