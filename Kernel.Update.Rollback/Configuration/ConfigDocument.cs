using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Configuration;

// The config file exactly as written: every member optional and unchecked, so that one read collects
// all problems instead of stopping at the first. Unknown properties land in Unknown and are reported
// by name and place. ConfigValidator turns a document into a RollbackConfig.

/// <summary>The top level of rollback.json.</summary>
public sealed class ConfigDocument
{
    public string? Root { get; set; }
    public string? Store { get; set; }
    public long? ReserveBytes { get; set; }
    public RetentionDocument? Retention { get; set; }
    public ChunkingDocument? Chunking { get; set; }
    public CompressionDocument? Compression { get; set; }
    public BootDocument? Boot { get; set; }
    public MonitorDocument? Monitor { get; set; }
    public AutoRollbackDocument? AutoRollback { get; set; }
    public List<ComponentDocument?>? Components { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ComponentDocument
{
    public string? Name { get; set; }
    public string? Category { get; set; }
    public string? Path { get; set; }
    public string? Block { get; set; }
    public List<string?>? DependsOn { get; set; }
    public List<ServiceDocument?>? Services { get; set; }
    public bool? Critical { get; set; }
    public List<ProbeDocument?>? Health { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ServiceDocument
{
    public string? Unit { get; set; }
    public string? Start { get; set; }
    public string? Stop { get; set; }
    public int? TimeoutSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>One health probe: <see cref="Type"/> says which of the other keys apply (ProbeRules checks that).</summary>
public sealed class ProbeDocument
{
    public string? Type { get; set; }
    public string? Unit { get; set; }
    public string? Path { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; }
    public string? Url { get; set; }
    public string? Command { get; set; }
    public int? MaxAgeSeconds { get; set; }
    public long? DegradedBelow { get; set; }
    public long? WarningBelow { get; set; }
    public long? CriticalBelow { get; set; }
    public double? DegradedAbove { get; set; }
    public double? WarningAbove { get; set; }
    public double? CriticalAbove { get; set; }
    public int? TimeoutSeconds { get; set; }
    public string? Level { get; set; }
    public string? Trigger { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class RetentionDocument
{
    public int? MaxPerCategory { get; set; }
    public int? MaxTotal { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ChunkingDocument
{
    public int? MinSize { get; set; }
    public int? AvgSize { get; set; }
    public int? MaxSize { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class CompressionDocument
{
    public int? Level { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class BootDocument
{
    public int? MaxAttempts { get; set; }
    public string? RebootCommand { get; set; }
    public string? BootIdFile { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class MonitorDocument
{
    public double? IntervalSeconds { get; set; }
    public int? BadSamples { get; set; }
    public string? Socket { get; set; }
    public string? SocketGroup { get; set; }
    public double? ConfirmAfterSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class AutoRollbackDocument
{
    public bool? Enabled { get; set; }
    public List<string?>? Triggers { get; set; }
    public double? MaxRollbackSeconds { get; set; }
    public bool? PartialAllowed { get; set; }
    public List<string?>? PriorityComponents { get; set; }
    public double? CooldownSeconds { get; set; }
    public int? MaxPerBoot { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
