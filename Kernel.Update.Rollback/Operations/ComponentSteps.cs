namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The per-component steps the journal records, so that a resumed phase skips what is already done.
/// A step is journaled only once it is durable: "restored" means the live component equals the target
/// (an unchanged component counts, it needed no work).
/// </summary>
public static class ComponentSteps
{
    public const string ServicesStopped = "services-stopped";
    public const string Restored = "restored";
    public const string ServicesStarted = "services-started";
    public const string Reverted = "reverted";
    public const string ServicesStoppedForRevert = "services-stopped-for-revert";
    public const string ServicesStartedAfterRevert = "services-started-after-revert";
}
