using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Cli.Output;

// The --json schema of 'graph'. Source-generated: rollbackctl is published with NativeAOT.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GraphOutput))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;

internal sealed record GraphOutput(string Format, string Diagram);
