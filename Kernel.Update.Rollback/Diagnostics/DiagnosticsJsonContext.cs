using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Diagnostics;

// Source-generated: rollbackctl is published with NativeAOT. Enums by name, so a report reads without the code.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FailureReport))]
internal sealed partial class DiagnosticsJsonContext : JsonSerializerContext;
