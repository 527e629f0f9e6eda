using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary><c>rollbackctl diff ID [--components a,b] [--json]</c>: what changed live since a recovery point.</summary>
internal static class DiffCommand
{
    // A person reads the first changes; the rest are a count (a whole new tree would be thousands of lines).
    private const int ChangesShown = 30;

    public static int Run(CliContext context)
    {
        var config = context.Config;
        var store = RecoveryStore.Open(config.Store);
        var point = store.GetPoint(context.Args.Positionals[0]);
        var names = context.Args.List("--components");
        var live = new LiveComponents(config, store, context.Logger);
        var components = new List<DiffComponent>();
        foreach (var component in point.Components)
        {
            if (names is { Count: > 0 } && !names.Contains(component.Name))
                continue;
            var plan = live.Diff(point, component);
            components.Add(new DiffComponent(component.Name, component.Path,
                plan.Changes.Select(c => new DiffChange(c.Path, c.Kind.ToString().ToLowerInvariant(), c.Detail)).ToList()));
        }
        if (names is { Count: > 0 })
            foreach (string name in names)
                if (!components.Any(c => c.Name == name))
                    throw new RollbackException(RollbackErrorKind.NotFound,
                        $"recovery point {point.Id} has no component '{name}' (it has: {string.Join(", ", point.Components.Select(c => c.Name))})");

        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(new DiffOutput(point.Id, components), CliJsonContext.Default.DiffOutput));
            return 0;
        }
        foreach (var component in components)
        {
            context.Out.WriteLine(component.Changes.Count == 0
                ? $"{component.Name} ({component.Path}): unchanged since {point.Id}"
                : $"{component.Name} ({component.Path}): {component.Changes.Count} change(s) since {point.Id}");
            int shown = context.Verbose ? component.Changes.Count : Math.Min(component.Changes.Count, ChangesShown);
            for (int i = 0; i < shown; i++)
                context.Out.WriteLine($"  {component.Changes[i].Kind,-9} {component.Changes[i].Path}  ({component.Changes[i].Detail})");
            if (shown < component.Changes.Count)
                context.Out.WriteLine($"  ... and {component.Changes.Count - shown} more (--verbose shows all, --json lists all)");
        }
        return 0;
    }
}
