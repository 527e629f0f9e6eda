using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>The rules across components: unique names, known dependencies, no cycles, no shared ground.</summary>
internal static class ComponentSetRules
{
    public static void Check(IReadOnlyList<ComponentDraft> drafts, string store, List<string> problems)
    {
        var named = Names(drafts, problems);
        Dependencies(drafts, named, problems);
        foreach (var cycle in DependencyCycles.Find(named.Values.Select(d => (d.Name!, d.DependsOn))))
            problems.Add($"dependency cycle: {DependencyCycles.Format(cycle)}");
        Overlaps(drafts, problems);
        Store(drafts, store, problems);
    }

    /// <summary>The first entry of each name; later ones are reported as duplicates.</summary>
    private static Dictionary<string, ComponentDraft> Names(IReadOnlyList<ComponentDraft> drafts, List<string> problems)
    {
        var named = new Dictionary<string, ComponentDraft>(StringComparer.Ordinal);
        foreach (var draft in drafts)
        {
            if (draft.Name is null)
                continue;
            if (named.TryGetValue(draft.Name, out var first))
                problems.Add($"{draft.Label} (components[{draft.Index}]) has the same name as components[{first.Index}]");
            else
                named.Add(draft.Name, draft);
        }
        return named;
    }

    private static void Dependencies(IReadOnlyList<ComponentDraft> drafts, Dictionary<string, ComponentDraft> named, List<string> problems)
    {
        foreach (var draft in drafts)
        {
            foreach (string dependency in draft.DependsOn)
            {
                if (!named.ContainsKey(dependency))
                    problems.Add($"{draft.Label} depends on unknown component '{dependency}' (known: {string.Join(", ", named.Keys)})");
            }
        }
    }

    /// <summary>
    /// Two components on the same ground would undo each other's rollback ("etc" and "etc/ssh"), so
    /// each file belongs to at most one component. Compared as absolute paths to cover absolute blocks too.
    /// </summary>
    private static void Overlaps(IReadOnlyList<ComponentDraft> drafts, List<string> problems)
    {
        var located = drafts.Where(d => d.Absolute is not null).ToArray();
        for (int i = 0; i < located.Length; i++)
        {
            for (int j = i + 1; j < located.Length; j++)
            {
                var (a, b) = (located[i], located[j]);
                string relation =
                    a.Absolute == b.Absolute ? $"both are at {a.Location}"
                    : ComponentPath.IsSameOrInsideAbsolute(b.Absolute!, a.Absolute!) ? $"{b.Location} is inside {a.Location}"
                    : ComponentPath.IsSameOrInsideAbsolute(a.Absolute!, b.Absolute!) ? $"{a.Location} is inside {b.Location}"
                    : "";
                if (relation.Length > 0)
                    problems.Add($"{a.Label} and {Bare(b.Label)} overlap: {relation}; a file may belong to one component only");
            }
        }
    }

    /// <summary>A component holding the store would snapshot the store into itself, and its rollback would overwrite the store.</summary>
    private static void Store(IReadOnlyList<ComponentDraft> drafts, string store, List<string> problems)
    {
        foreach (var draft in drafts)
        {
            if (draft.Absolute is null)
                continue;
            if (ComponentPath.IsSameOrInsideAbsolute(store, draft.Absolute))
                problems.Add($"{draft.Label} (at {draft.Absolute}) contains the store {store}; move the store or narrow the component");
            else if (ComponentPath.IsSameOrInsideAbsolute(draft.Absolute, store))
                problems.Add($"{draft.Label} (at {draft.Absolute}) is inside the store {store}");
        }
    }

    // "component etc and component ssh" reads worse than "component etc and ssh".
    private static string Bare(string label) => label.StartsWith("component ", StringComparison.Ordinal) ? label["component ".Length..] : label;
}
