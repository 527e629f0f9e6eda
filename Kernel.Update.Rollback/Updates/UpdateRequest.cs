namespace Kernel.Update.Rollback.Updates;

/// <summary>
/// An update to guard: the components it changes, and either a command line to run or, for pipelines that embed
/// the engine, a delegate that applies it and returns an exit code (0: success). <see cref="Timeout"/> bounds it;
/// <see cref="CommitAfter"/>, when set, watches health that long after success and confirms or rolls back.
/// </summary>
public sealed record UpdateRequest(IReadOnlyList<string> Components, string Actor)
{
    public IReadOnlyList<string> Command { get; init; } = [];

    public Func<CancellationToken, Task<int>>? Apply { get; init; }

    public TimeSpan? Timeout { get; init; }

    public TimeSpan? CommitAfter { get; init; }

    public string Description => Apply is not null ? "the update delegate" : string.Join(' ', Command);
}

/// <summary>Where an update ended.</summary>
public enum UpdateResult
{
    /// <summary>Applied; waiting for mark-good (or for the boot counter to give up).</summary>
    Pending,
    /// <summary>Applied and confirmed (after a healthy commit window): its state is the last-known-good.</summary>
    Committed,
    /// <summary>It failed, ran out of time, or health went critical in the commit window: rolled back to its PreUpdate point.</summary>
    RolledBack,
    /// <summary>It failed, and so did the rollback (which reverted): the device is as the update left it.</summary>
    RollbackFailed,
}

/// <param name="ExitCode">the update command's exit code; null when it timed out.</param>
/// <param name="Trigger">why it was rolled back, when it was.</param>
/// <param name="ConfirmedPointId">the BootGood point of a committed update.</param>
public sealed record UpdateOutcome(string PointId, UpdateResult Result, int? ExitCode, Health.TriggerKind? Trigger,
    Triggers.TriggeredOutcome? Rollback, string? ConfirmedPointId);
