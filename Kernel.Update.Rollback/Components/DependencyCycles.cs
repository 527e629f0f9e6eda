namespace Kernel.Update.Rollback.Components;

/// <summary>
/// Finds dependency cycles to report them: one cycle per group of mutually dependent components, the
/// shortest one through the group's first-declared member, written with that member at both ends
/// ("a", "b", "c", "a" for a → b → c → a, where → reads "depends on").
/// </summary>
/// <remarks>
/// Configs hold tens of components, so clarity wins over Tarjan here: a component is on a cycle when
/// it can reach itself, and its group is every component it reaches that reaches it back. Unknown names
/// and self-dependencies are ignored; the validator reports those on their own.
/// </remarks>
public static class DependencyCycles
{
    public static IReadOnlyList<IReadOnlyList<string>> Find(IEnumerable<Component> components) =>
        Find(components.Select(c => (c.Name, c.DependsOn)));

    /// <summary>The same over bare names, for the validator, which checks before it can build components.</summary>
    internal static IReadOnlyList<IReadOnlyList<string>> Find(IEnumerable<(string Name, IReadOnlyList<string> DependsOn)> components)
    {
        // A duplicate name: the first declaration stands, as in the validator.
        var first = new List<(string Name, IReadOnlyList<string> DependsOn)>();
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            if (edges.TryAdd(component.Name, []))
                first.Add(component);
        }
        foreach (var (name, dependsOn) in first)
        {
            var from = edges[name];
            foreach (string dependency in dependsOn)
            {
                if (dependency != name && edges.ContainsKey(dependency) && !from.Contains(dependency))
                    from.Add(dependency);
            }
        }

        var reach = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> Reach(string name) => reach.TryGetValue(name, out var set) ? set : reach[name] = Reachable(name, edges);

        var grouped = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();
        foreach (string start in first.Select(c => c.Name))
        {
            if (grouped.Contains(start) || !Reach(start).Contains(start))
                continue;
            foreach (string member in Reach(start))
            {
                if (Reach(member).Contains(start))
                    grouped.Add(member);
            }
            cycles.Add(ShortestCycle(start, edges));
        }
        return cycles;
    }

    /// <summary>"a -> b -> c -> a".</summary>
    public static string Format(IReadOnlyList<string> cycle) => string.Join(" -> ", cycle);

    private static HashSet<string> Reachable(string from, Dictionary<string, List<string>> edges)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(edges[from]);
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (seen.Add(name))
            {
                foreach (string next in edges[name])
                    stack.Push(next);
            }
        }
        return seen;
    }

    /// <summary>Breadth first, following dependencies in declared order, so the result is the same on every run.</summary>
    private static List<string> ShortestCycle(string start, Dictionary<string, List<string>> edges)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            string name = queue.Dequeue();
            foreach (string next in edges[name])
            {
                if (next == start)
                {
                    var cycle = new List<string> { start };
                    for (string at = name; at != start; at = previous[at])
                        cycle.Add(at);
                    cycle.Add(start);
                    cycle.Reverse();
                    return cycle;
                }
                if (previous.TryAdd(next, name))
                    queue.Enqueue(next);
            }
        }
        throw new InvalidOperationException($"{start} reaches itself but no cycle was found"); // unreachable
    }
}
