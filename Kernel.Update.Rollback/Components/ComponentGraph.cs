using System.Diagnostics.CodeAnalysis;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Components;

/// <summary>
/// The components and their dependencies, a directed acyclic graph. Answers the questions partial
/// rollback asks: what else must go back with a set (its dependents), and in which order to stop,
/// restore and start. Every order is deterministic: ties are broken by declaration order, so the same
/// config gives the same plan on every device and every run.
/// </summary>
public sealed class ComponentGraph
{
    private readonly Dictionary<string, Component> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rank = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Component>> _dependents = new(StringComparer.Ordinal);

    /// <summary>Builds the graph; names must be unique, dependencies known, and the graph acyclic.</summary>
    /// <exception cref="ArgumentException">A duplicate name, an unknown or self dependency, or a cycle.</exception>
    public ComponentGraph(IEnumerable<Component> components)
    {
        Components = Array.AsReadOnly(components.ToArray());
        foreach (var component in Components)
        {
            if (!_byName.TryAdd(component.Name, component))
                throw new ArgumentException($"component name {component.Name} is used twice", nameof(components));
            _dependents[component.Name] = [];
        }
        foreach (var component in Components)
        {
            foreach (string dependency in component.DependsOn)
            {
                if (dependency == component.Name)
                    throw new ArgumentException($"component {component.Name} depends on itself", nameof(components));
                if (!_dependents.TryGetValue(dependency, out var dependents))
                    throw new ArgumentException($"component {component.Name} depends on unknown component '{dependency}'", nameof(components));
                if (!dependents.Contains(component))
                    dependents.Add(component);
            }
        }
        var cycles = DependencyCycles.Find(Components);
        if (cycles.Count > 0)
            throw new ArgumentException($"dependency cycle: {DependencyCycles.Format(cycles[0])}", nameof(components));

        TopologicalOrder = Array.AsReadOnly(Sort());
        for (int i = 0; i < TopologicalOrder.Count; i++)
            _rank[TopologicalOrder[i].Name] = i;
    }

    /// <summary>In declaration order.</summary>
    public IReadOnlyList<Component> Components { get; }

    /// <summary>Every component after all it depends on; among independent ones, declaration order.</summary>
    public IReadOnlyList<Component> TopologicalOrder { get; }

    public bool TryGet(string name, [NotNullWhen(true)] out Component? component) => _byName.TryGetValue(name, out component);

    /// <exception cref="RollbackException">InvalidInput, naming the known components, when there is no such component.</exception>
    public Component Get(string name) =>
        _byName.TryGetValue(name, out var component)
            ? component
            : throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"component '{name}' is not in the configuration (known: {string.Join(", ", Components.Select(c => c.Name))})");

    /// <summary>The components <paramref name="name"/> depends on directly.</summary>
    public IReadOnlyList<Component> DependenciesOf(string name) => Get(name).DependsOn.Select(Get).ToArray();

    /// <summary>The components that depend directly on <paramref name="name"/>, in declaration order.</summary>
    public IReadOnlyList<Component> DependentsOf(string name) => _dependents[Get(name).Name].AsReadOnly();

    /// <summary>
    /// <paramref name="names"/> plus every component that depends on one of them, directly or not: what a
    /// rollback of the set must also roll back (a driver built for the new kernel goes back with the kernel).
    /// </summary>
    public IReadOnlySet<string> DependentsClosure(IEnumerable<string> names)
    {
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(names.Select(n => Get(n).Name));
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (!closure.Add(name))
                continue;
            foreach (var dependent in _dependents[name])
                pending.Push(dependent.Name);
        }
        return closure;
    }

    /// <summary>The set's components with dependencies first: the order to restore them and to start their services.</summary>
    public IReadOnlyList<Component> RestoreOrder(IEnumerable<string> names) =>
        names.Select(Get).Distinct().OrderBy(c => _rank[c.Name]).ToArray();

    /// <summary>
    /// The set's components with dependencies first, and among those whose dependencies in the set are already
    /// placed, the <paramref name="first"/> ones before the others (an automatic rollback's priority components:
    /// the kernel before the user data, say, where neither needs the other).
    /// </summary>
    public IReadOnlyList<Component> RestoreOrder(IEnumerable<string> names, IReadOnlyCollection<string> first)
    {
        var set = RestoreOrder(names);
        if (first.Count == 0)
            return set;
        var inSet = new HashSet<string>(set.Select(c => c.Name), StringComparer.Ordinal);
        var waiting = set.ToDictionary(c => c.Name, c => c.DependsOn.Distinct(StringComparer.Ordinal).Count(inSet.Contains), StringComparer.Ordinal);
        var ready = new PriorityQueue<Component, (int, int)>();
        foreach (var component in set)
            if (waiting[component.Name] == 0)
                ready.Enqueue(component, Key(component));
        var order = new List<Component>(set.Count);
        while (ready.TryDequeue(out var component, out _))
        {
            order.Add(component);
            foreach (var dependent in _dependents[component.Name])
                if (inSet.Contains(dependent.Name) && --waiting[dependent.Name] == 0)
                    ready.Enqueue(dependent, Key(dependent));
        }
        return order;

        (int, int) Key(Component c) => (first.Contains(c.Name) ? 0 : 1, _rank[c.Name]);
    }

    /// <summary>The set's components with dependents first: the order to stop their services.</summary>
    public IReadOnlyList<Component> StopOrder(IEnumerable<string> names) =>
        names.Select(Get).Distinct().OrderByDescending(c => _rank[c.Name]).ToArray();

    /// <summary>Kahn's algorithm, always taking the earliest-declared ready component.</summary>
    private Component[] Sort()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var waiting = new int[Components.Count];
        for (int i = 0; i < Components.Count; i++)
        {
            index[Components[i].Name] = i;
            waiting[i] = Components[i].DependsOn.Distinct(StringComparer.Ordinal).Count();
        }
        var ready = new PriorityQueue<Component, int>();
        for (int i = 0; i < Components.Count; i++)
        {
            if (waiting[i] == 0)
                ready.Enqueue(Components[i], i);
        }
        var sorted = new List<Component>(Components.Count);
        while (ready.TryDequeue(out var component, out _))
        {
            sorted.Add(component);
            foreach (var dependent in _dependents[component.Name])
            {
                int i = index[dependent.Name];
                if (--waiting[i] == 0)
                    ready.Enqueue(dependent, i);
            }
        }
        return sorted.ToArray();
    }
}
