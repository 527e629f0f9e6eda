using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// One line of an operation journal. The <c>type</c> property comes first in every line and names the record;
/// unknown types and unknown enum names are damage, not something to skip.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(OperationStartedRecord), "started")]
[JsonDerivedType(typeof(PhaseEnteredRecord), "phase")]
[JsonDerivedType(typeof(ComponentStepRecord), "step")]
[JsonDerivedType(typeof(SafetyPointRecord), "safetyPoint")]
[JsonDerivedType(typeof(NoteRecord), "note")]
[JsonDerivedType(typeof(ErrorRecord), "error")]
[JsonDerivedType(typeof(CancelRequestedRecord), "cancel")]
[JsonDerivedType(typeof(OperationFinishedRecord), "finished")]
public abstract record JournalRecord;

/// <summary>Always the first line: what the operation is about. The component order is the restore order.</summary>
public sealed record OperationStartedRecord(
    string OperationId, RollbackScope Scope, string TargetPointId, IReadOnlyList<string> Components, string Actor, DateTimeOffset Started)
    : JournalRecord
{
    /// <summary>The caller accepted writing to block devices mounted read-write (journaled, so a recovery honours it too).
    /// Written only when set: journals of ordinary rollbacks are as before.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Force { get; init; }
}

/// <summary>Written before the phase's work starts (the intent), so a resumed operation redoes that phase.</summary>
public sealed record PhaseEnteredRecord(RollbackPhase Phase, DateTimeOffset At) : JournalRecord;

/// <summary>A component reached a step of the current phase (see <see cref="ComponentSteps"/>), durably.</summary>
public sealed record ComponentStepRecord(string Component, string Step, DateTimeOffset At) : JournalRecord;

/// <summary>The PreRollback recovery point that a revert goes back to.</summary>
public sealed record SafetyPointRecord(string PointId, DateTimeOffset At) : JournalRecord;

/// <summary>Free text for people reading the journal.</summary>
public sealed record NoteRecord(string Message, DateTimeOffset At) : JournalRecord;

/// <summary>The work of <paramref name="Phase"/> failed; written before the machine takes the fault edge.</summary>
public sealed record ErrorRecord(RollbackPhase Phase, string Message, DateTimeOffset At) : JournalRecord;

/// <summary>The caller cancelled; a revert that follows ends in Cancelled rather than Failed.</summary>
public sealed record CancelRequestedRecord(RollbackPhase Phase, DateTimeOffset At) : JournalRecord;

/// <summary>The last line: the terminal phase. The journal is archived right after it.</summary>
public sealed record OperationFinishedRecord(RollbackPhase Result, DateTimeOffset At) : JournalRecord;
