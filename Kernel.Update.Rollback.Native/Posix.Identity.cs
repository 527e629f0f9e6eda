namespace Kernel.Update.Rollback.Native;

public static partial class Posix
{
    /// <summary>The effective user id of this process (geteuid; it cannot fail).</summary>
    public static uint GetEffectiveUid() => Libc.geteuid();
}
