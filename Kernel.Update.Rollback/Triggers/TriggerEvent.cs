using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Triggers;

/// <summary>A reason to roll back: its kind, a sentence for people, the components that failed (empty: the whole
/// device), and the health sample that showed it, if one did.</summary>
public sealed record TriggerEvent(TriggerKind Kind, string Reason, IReadOnlyList<string> FailingComponents, SystemHealth? Health = null);

/// <summary>Which recovery point a triggered rollback goes to.</summary>
public enum TargetRule
{
    /// <summary>The pending update's PreUpdate point when it holds the failing components, else the last-known-good (health triggers).</summary>
    PendingUpdateFirst,
    /// <summary>The last-known-good point, else the pending update's PreUpdate point (boot failure).</summary>
    LastKnownGoodFirst,
}

/// <summary>How a triggered rollback ended: its report (also in the store), and the outcome or the error.</summary>
public sealed record TriggeredOutcome(FailureReport Report, RollbackOutcome? Rollback, Exception? Error)
{
    public bool Completed => Rollback?.Phase == RollbackPhase.Completed;
}
