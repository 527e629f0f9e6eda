using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// Source-generated (de)serialization of the config file: the engine ships as a NativeAOT binary, where
/// reflection-based System.Text.Json is unavailable. Comments and trailing commas are allowed because
/// people edit this file by hand; duplicate keys are refused because the silent winner would be a guess.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ConfigDocument))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
