using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Api;

// The "result" of each op and the "data" of the rollback event (PROTOCOL.md). Nulls are written, not left out:
// a client can rely on every key being there.

/// <summary>status: what this monitor runs now ("rollback", "snapshot" or null), the journaled rollback (running here,
/// in another process, or interrupted), the last progress, the last-known-good and pending-update points, the health level.</summary>
internal sealed record StatusResult(bool Running, string? RunningOp, OperationStatus? Operation, RollbackProgress? Progress,
    string? LastKnownGood, string? PendingUpdate, HealthLevel? Health);

/// <summary>A rollback as its journal tells it. <see cref="ThroughApi"/> false means something else runs it (the CLI,
/// the monitor's own triggers) or it was interrupted (the next rollback, or 'rollbackctl recover', finishes it).</summary>
internal sealed record OperationStatus(string OperationId, string PointId, RollbackScope Scope, RollbackPhase Phase, IReadOnlyList<string> Components,
    string Actor, DateTimeOffset Started, bool ThroughApi);

internal sealed record ProgressResult(bool Running, RollbackProgress? Progress);

internal sealed record HealthResult(SystemHealth? Health);

internal sealed record SubscribeResult(IReadOnlyList<string> Events);

/// <summary>snapshot: the same fields as <c>rollbackctl snapshot --json</c>.</summary>
internal sealed record SnapshotResult(string Id, long Sequence, string Name, RecoveryPointReason Reason, DateTimeOffset Created,
    long DurationMs, long ReadBytes, long AddedBytes, List<ComponentSnapshotRecord> Components);

/// <summary>rollback: the same fields as <c>rollbackctl rollback --json</c>, plus the exit code the CLI would give
/// (1 when the operation ended in another phase than Completed, e.g. Cancelled).</summary>
internal sealed record RollbackResult(string OperationId, string PointId, RollbackPhase Phase, int ExitCode, List<string> Components,
    string? SafetyPointId, List<RollbackStepResult> Steps)
{
    public static RollbackResult From(RollbackOutcome outcome) => new(outcome.OperationId, outcome.PointId, outcome.Phase,
        outcome.Phase == RollbackPhase.Completed ? Errors.ExitCodes.Success : Errors.ExitCodes.Failed, [.. outcome.Components], outcome.SafetyPointId,
        [.. outcome.Steps.Select(s => new RollbackStepResult(s.Component, s.Step, s.Phase))]);
}

/// <summary>One journaled step, in the order it happened.</summary>
internal sealed record RollbackStepResult(string Component, string Step, RollbackPhase Phase);

/// <summary>The rollback event: <see cref="Status"/> "started" with the request, then "finished" with the
/// <see cref="Outcome"/> or the <see cref="Error"/>.</summary>
internal sealed record RollbackEventData(string Status, string Point, IReadOnlyList<string>? Components, bool Exact, bool Incremental, bool Force,
    string Actor, RollbackResult? Outcome, ControlError? Error)
{
    public const string Started = "started";
    public const string Finished = "finished";
}

/// <summary>Any line a client reads: a response (id, ok, result, error) or an event (event, data).</summary>
internal sealed record ControlMessage
{
    public long? Id { get; init; }
    public bool Ok { get; init; }
    public System.Text.Json.Nodes.JsonNode? Result { get; init; }
    public ControlError? Error { get; init; }
    public string? Event { get; init; }
    public System.Text.Json.Nodes.JsonNode? Data { get; init; }
}
