using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Triggers;

namespace Kernel.Update.Rollback.Boot;

/// <summary>What boot-check found and did.</summary>
public enum BootVerdict
{
    /// <summary>No update is pending: nothing counts.</summary>
    NothingPending,
    /// <summary>This boot was counted already (boot-check ran twice in one boot).</summary>
    AlreadyCounted,
    /// <summary>This boot is counted; the update still has boots left.</summary>
    Counted,
    /// <summary>Too many failed boots: the update's components went back to the last-known-good, and the reboot command ran.</summary>
    RolledBack,
    /// <summary>Too many failed boots, and the emergency rollback failed (reverted): no reboot, so no loop; the next boot tries again.</summary>
    RollbackFailed,
}

/// <param name="Recovered">an operation a power cut had interrupted, finished before counting.</param>
/// <param name="RebootError">why the reboot command failed, if it did.</param>
public sealed record BootCheckResult(BootVerdict Verdict, string BootId, string? UpdatePointId, int FailedBoots, int MaxAttempts,
    RollbackOutcome? Recovered, TriggeredOutcome? Rollback, string? RebootError);
