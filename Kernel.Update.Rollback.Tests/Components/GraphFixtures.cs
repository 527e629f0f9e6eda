using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Tests.Components;

/// <summary>Small graphs shared by the graph tests.</summary>
internal static class GraphFixtures
{
    public static Component Tree(string name, params string[] dependsOn) =>
        new(name, ComponentCategory.Other, path: name, dependsOn: dependsOn);

    /// <summary>
    /// A device as DESIGN.md pictures it (→ reads "depends on"):
    /// drivers → kernel; services → drivers, config; app → services, db; db → data; logs (alone).
    /// Declared in an order that is not already topological, so sorting has work to do.
    /// </summary>
    public static ComponentGraph Device() => new(
    [
        Tree("app", "services", "db"),
        Tree("services", "drivers", "config"),
        Tree("drivers", "kernel"),
        Tree("kernel"),
        Tree("config"),
        Tree("db", "data"),
        Tree("data"),
        Tree("logs"),
    ]);

    public static string[] Names(IEnumerable<Component> components) => components.Select(c => c.Name).ToArray();
}
