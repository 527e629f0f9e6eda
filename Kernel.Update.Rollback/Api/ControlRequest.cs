using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// One request line of the control protocol (PROTOCOL.md). Which fields count depends on <see cref="Op"/>; the rest
/// are ignored. A property the protocol does not know is refused rather than ignored: a misspelt "exact" silently
/// widening a rollback is worse than an error.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ControlRequest
{
    /// <summary>Echoed in the response so a client can match it; the client fills it in when null.</summary>
    public long? Id { get; init; }

    /// <summary>One of <see cref="ControlOps"/>.</summary>
    public string? Op { get; init; }

    /// <summary>snapshot: a name for people.</summary>
    public string? Name { get; init; }

    /// <summary>snapshot and rollback: the components (null: all of them).</summary>
    public IReadOnlyList<string>? Components { get; init; }

    /// <summary>rollback: a recovery point id, a unique prefix, "latest" or "last-known-good".</summary>
    public string? Point { get; init; }

    /// <summary>rollback: exactly the named components, without the ones that depend on them.</summary>
    public bool Exact { get; init; }

    /// <summary>rollback: only the components whose live tree differs from the point (and their dependents).</summary>
    public bool Incremental { get; init; }

    /// <summary>rollback: write block devices even while mounted read-write.</summary>
    public bool Force { get; init; }

    /// <summary>rollback: must be true, as the CLI's --yes; without it the rollback is refused and nothing changes.</summary>
    public bool Confirm { get; init; }
}

/// <summary>The operations of the control protocol.</summary>
public static class ControlOps
{
    public const string Status = "status";
    public const string Progress = "progress";
    public const string Health = "health";
    public const string Snapshot = "snapshot";
    public const string Rollback = "rollback";
    public const string Subscribe = "subscribe";

    public static readonly IReadOnlyList<string> All = [Status, Progress, Health, Snapshot, Rollback, Subscribe];
}
