using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Audit;

// One compact object per line. Source-generated: rollbackctl is published with NativeAOT.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
