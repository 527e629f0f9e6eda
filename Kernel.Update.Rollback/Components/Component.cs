using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Components;

/// <summary>
/// A named unit of rollback: a directory tree under the device root (<see cref="Path"/>) or a block
/// device or image file (<see cref="Block"/>). Immutable; built by the configuration loader, which has
/// already checked what the constructor checks again.
/// </summary>
public sealed class Component
{
    public Component(
        string name,
        ComponentCategory category,
        string? path = null,
        string? block = null,
        IEnumerable<string>? dependsOn = null,
        IEnumerable<ServiceSpec>? services = null,
        bool critical = false,
        IEnumerable<ProbeSpec>? probes = null)
    {
        if (!ComponentName.IsValid(name))
            throw new ArgumentException($"component name '{name}' is invalid: {ComponentName.Rule}", nameof(name));
        if ((path is null) == (block is null))
            throw new ArgumentException($"component {name} needs exactly one of a path and a block", nameof(path));
        if (block is not null && (block.Length == 0 || block.Contains('\0')))
            throw new ArgumentException($"component {name} has an invalid block '{block}'", nameof(block));

        Name = name;
        Category = category;
        Path = path is null ? null : ComponentPath.Normalize(path);
        Block = block;
        DependsOn = Array.AsReadOnly((dependsOn ?? []).ToArray());
        Services = Array.AsReadOnly((services ?? []).ToArray());
        Critical = critical;
        Probes = Array.AsReadOnly((probes ?? []).ToArray());
    }

    public string Name { get; }

    public ComponentCategory Category { get; }

    /// <summary>The tree, relative to the device root and normalized (see <see cref="ComponentPath"/>); null for a block component.</summary>
    public string? Path { get; }

    /// <summary>The block device or image file, absolute or relative to the device root; null for a tree component.</summary>
    public string? Block { get; }

    /// <summary>Names of the components this one needs; they are restored before it and their services started first.</summary>
    public IReadOnlyList<string> DependsOn { get; }

    /// <summary>Services stopped before this component is rolled back (in reverse of the listed order) and started after (in the listed order).</summary>
    public IReadOnlyList<ServiceSpec> Services { get; }

    /// <summary>Whether the device cannot run without it (health of a critical component decides on automatic rollback).</summary>
    public bool Critical { get; }

    /// <summary>The health probes of this component, in the configured order; its health is the worst of their verdicts.</summary>
    public IReadOnlyList<ProbeSpec> Probes { get; }

    public bool IsTree => Path is not null;

    public bool IsBlock => Block is not null;

    public override string ToString() => IsTree ? $"{Name} ({Category}, path {Path})" : $"{Name} ({Category}, block {Block})";
}
