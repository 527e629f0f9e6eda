using System.Text.Json.Serialization;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Cli.Output;

// The --json schema of every command. Source-generated: rollbackctl is published with NativeAOT.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnapshotOutput))]
[JsonSerializable(typeof(ListOutput))]
[JsonSerializable(typeof(RecoveryPointRecord))]
[JsonSerializable(typeof(VerifyOutput))]
[JsonSerializable(typeof(RestoreOutput))]
[JsonSerializable(typeof(PruneOutput))]
[JsonSerializable(typeof(ErrorOutput))]
[JsonSerializable(typeof(DiffOutput))]
[JsonSerializable(typeof(RollbackOutput))]
[JsonSerializable(typeof(RollbackStepOutput))]
[JsonSerializable(typeof(NothingRecoveredOutput))]
[JsonSerializable(typeof(MarkGoodOutput))]
[JsonSerializable(typeof(BootCheckOutput))]
[JsonSerializable(typeof(ShutdownOutput))]
[JsonSerializable(typeof(UpdateOutput))]
[JsonSerializable(typeof(List<Kernel.Update.Rollback.Diagnostics.FailureReport>))]
[JsonSerializable(typeof(HealthOutput))]
[JsonSerializable(typeof(DemoOutput))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

internal sealed record SnapshotOutput(string Id, long Sequence, string Name, RecoveryPointReason Reason, DateTimeOffset Created,
    long DurationMs, long ReadBytes, long AddedBytes, List<ComponentSnapshotRecord> Components);

internal sealed record ListOutput(string Store, List<ListedPoint> Points);

internal sealed record ListedPoint(string Id, long Sequence, string Name, RecoveryPointReason Reason, DateTimeOffset Created,
    bool LastKnownGood, bool Protected, List<string> Components, long DataBytes)
{
    /// <summary>The PreUpdate point of the update waiting for 'mark-good' (never pruned).</summary>
    public bool PendingUpdate { get; init; }
}

internal sealed record VerifyOutput(bool Ok, int PointsChecked, int ManifestsChecked, long ChunksChecked, long BytesChecked, List<VerifyProblemOutput> Problems);

internal sealed record VerifyProblemOutput(string? PointId, string? Component, string? File, string StoreFile, string Message);

internal sealed record RestoreOutput(string Id, string Target, List<RestoredComponent> Components);

internal sealed record RestoredComponent(string Name, string Path, int Entries);

internal sealed record PruneOutput(List<string> Removed, int PacksRemoved, int PacksRewritten, long BytesReclaimed);

internal sealed record ErrorOutput(string Error, string Kind, int ExitCode);

internal sealed record DiffOutput(string Id, List<DiffComponent> Components);

internal sealed record DiffComponent(string Name, string Path, List<DiffChange> Changes);

internal sealed record DiffChange(string Path, string Kind, string Detail);

internal sealed record RollbackOutput(string OperationId, string PointId, string Phase, List<string> Components, string? SafetyPointId,
    List<RollbackStepOutput> Steps)
{
    /// <summary>Set by 'recover' only: true, the operation a crash interrupted was finished or reverted.</summary>
    public bool? Recovered { get; init; }
}

/// <summary>'recover' when no operation was interrupted.</summary>
internal sealed record NothingRecoveredOutput(bool Recovered);

/// <summary>One journaled step of a rollback, in the order it happened.</summary>
internal sealed record RollbackStepOutput(string Component, string Step, string Phase);

internal sealed record MarkGoodOutput(string LastKnownGood, string? ConfirmedUpdate = null);

internal sealed record BootCheckOutput(string Verdict, string BootId, string? UpdatePointId, int FailedBoots, int MaxAttempts, string? RecoveredOperation,
    string? FailureReport, string? RollbackOperation, string? RollbackTarget, string? RollbackError, string? RebootError);

internal sealed record ShutdownOutput(bool Recorded);

internal sealed record UpdateOutput(string PointId, string Result, int? ExitCode, string? Trigger, string? FailureReport, string? RollbackOperation,
    string? RollbackError, string? ConfirmedPointId);
/// <summary>One health sample: the system's level is the worst critical component's.</summary>
internal sealed record HealthOutput(HealthLevel Level, DateTimeOffset At, List<HealthComponentOutput> Components);

internal sealed record HealthComponentOutput(string Name, bool Critical, HealthLevel Level, List<HealthProbeOutput> Probes);

/// <summary>One probe's verdict; <c>trigger</c> is what it stands for when it is critical.</summary>
internal sealed record HealthProbeOutput(string Probe, HealthLevel Level, string Detail, TriggerKind Trigger);

/// <summary>demo --json: whether the device came back, how long it took, the steps it went through.</summary>
internal sealed record DemoOutput(bool Passed, double Seconds, IReadOnlyList<DemoStepOutput> Steps, string? KeptIn);

internal sealed record DemoStepOutput(int Number, string Title);
