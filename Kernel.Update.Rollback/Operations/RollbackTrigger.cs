namespace Kernel.Update.Rollback.Operations;

/// <summary>What moves the phase machine on. Each success trigger is fired when the current phase's work is done.</summary>
public enum RollbackTrigger
{
    /// <summary>Initializing found nothing to refuse.</summary>
    Begin,
    /// <summary>The safety point is committed and journaled.</summary>
    SafetyPointTaken,
    /// <summary>Every chunk the rollback needs was read and its hash checked.</summary>
    Validated,
    /// <summary>Every component in scope is journaled restored.</summary>
    ComponentsRestored,
    /// <summary>Services are running again and healthy.</summary>
    ServicesRestored,
    /// <summary>The result is recorded.</summary>
    Finalized,
    /// <summary>The current phase's work failed; carries the message (a parameterized trigger).</summary>
    Fault,
    /// <summary>The caller asked to stop.</summary>
    Cancel,
    /// <summary>Every component in scope is back at the safety point.</summary>
    Reverted,
}
