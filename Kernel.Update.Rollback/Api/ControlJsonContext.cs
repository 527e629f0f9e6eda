using System.Text.Json.Serialization;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Api;

// Every line of the control protocol, source-generated: rollbackctl, which hosts the server, is NativeAOT.
// camelCase names and enums by name are the protocol's stable spelling (PROTOCOL.md).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(ControlEvent))]
[JsonSerializable(typeof(ControlMessage))]
[JsonSerializable(typeof(RollbackProgress))]
[JsonSerializable(typeof(SystemHealth))]
[JsonSerializable(typeof(StatusResult))]
[JsonSerializable(typeof(ProgressResult))]
[JsonSerializable(typeof(HealthResult))]
[JsonSerializable(typeof(SubscribeResult))]
[JsonSerializable(typeof(SnapshotResult))]
[JsonSerializable(typeof(RollbackResult))]
[JsonSerializable(typeof(RollbackEventData))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
