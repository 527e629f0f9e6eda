using System.Text.Json;
using System.Text.Json.Nodes;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// A line pushed to every connection that sent "subscribe": <see cref="Event"/> says what it is
/// (<see cref="ProgressKind"/>, <see cref="RollbackKind"/>, <see cref="HealthKind"/>), <see cref="Data"/> holds it.
/// </summary>
public sealed record ControlEvent(string Event, JsonNode? Data)
{
    public const string ProgressKind = "progress";
    public const string RollbackKind = "rollback";
    public const string HealthKind = "health";

    /// <summary>Where the running rollback is: phase, percent, component, bytes.</summary>
    public static ControlEvent ForProgress(RollbackProgress progress) =>
        new(ProgressKind, JsonSerializer.SerializeToNode(progress, ControlJsonContext.Default.RollbackProgress));

    /// <summary>A health sample, published when the level of the system or of a component changed (see <see cref="HealthChangePublisher"/>).</summary>
    public static ControlEvent ForHealth(SystemHealth health) =>
        new(HealthKind, JsonSerializer.SerializeToNode(health, ControlJsonContext.Default.SystemHealth));

    internal static ControlEvent ForRollback(RollbackEventData data) =>
        new(RollbackKind, JsonSerializer.SerializeToNode(data, ControlJsonContext.Default.RollbackEventData));
}
