using System.Text.RegularExpressions;
using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>
/// Makes an output that people or scripts read comparable across runs before it is pinned by a snapshot: what is
/// new in every run (ids, times, durations, temporary paths, content hashes of manifests that hold times) is replaced
/// by its role, so the snapshot shows the shape and every value that does not vary. Values are replaced longest
/// first, so an id is never half replaced by a shorter one it starts with.
/// </summary>
public sealed class SnapshotRoles
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _maskedKeys = [];

    /// <summary>Replaces every occurrence of <paramref name="value"/> by <c>&lt;role&gt;</c>.</summary>
    public SnapshotRoles Add(string? value, string role)
    {
        if (!string.IsNullOrEmpty(value))
            _values.TryAdd(value, $"<{role}>");
        return this;
    }

    /// <summary>Replaces the value of every JSON property <paramref name="key"/> (a string, number or bool) by
    /// <c>"&lt;key&gt;"</c>: for values that vary by nature (times, durations).</summary>
    public SnapshotRoles Mask(params string[] keys)
    {
        _maskedKeys.AddRange(keys);
        return this;
    }

    /// <summary>Each point by its reason and sequence, its manifests by component, and the pending update marked.</summary>
    internal SnapshotRoles Points(CatalogDocument catalog)
    {
        foreach (var point in catalog.Points)
        {
            Add(point.Id, $"point {point.Sequence} {point.Reason}{(point.Id == catalog.PendingUpdatePointId ? " pending" : "")}");
            foreach (var component in point.Components)
                Add(component.Manifest, $"manifest {point.Sequence} {component.Name}");
        }
        return this;
    }

    /// <summary>Failure reports and the operations they ran.</summary>
    internal SnapshotRoles Reports(string store)
    {
        foreach (var report in FailureReports.All(store))
        {
            Add(report.Id, "failure report");
            Add(report.OperationId, "operation");
        }
        return this;
    }

    public string Apply(string text)
    {
        foreach (var (value, role) in _values.OrderByDescending(v => v.Key.Length))
            text = text.Replace(value, role, StringComparison.Ordinal);
        foreach (string key in _maskedKeys)
            text = Regex.Replace(text, $"(\"{Regex.Escape(key)}\": )(\"[^\"]*\"|[-0-9.eE+]+|true|false)", $"$1\"<{key}>\"");
        return text;
    }
}
