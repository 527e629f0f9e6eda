using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// What the validator learned about one component entry, even a broken one: the checks across
/// components (duplicates, dependencies, cycles, overlaps) still run on it, so one load reports all.
/// </summary>
/// <param name="Label">How problems name the entry: "component drivers", or "components[3]" without a usable name.</param>
/// <param name="Location">The path or block as normalized, for messages.</param>
/// <param name="Absolute">Where it is on the file system, for overlap checks.</param>
/// <param name="Component">Null when the entry itself had a problem.</param>
internal sealed record ComponentDraft(
    int Index, string Label, string? Name, IReadOnlyList<string> DependsOn, string? Location, string? Absolute, Component? Component);
