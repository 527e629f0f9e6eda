using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class RestoreCommand
{
    public static int Run(CliContext context)
    {
        string target = context.Args.Required("--to", "DIR (restore writes a copy; the live system is changed by 'rollback')");
        var store = RecoveryStore.Open(context.Config.Store);
        var point = store.GetPoint(context.Args.Positionals[0]);
        var restored = new PointExporter(store, context.Logger).Export(point, target, context.Args.List("--components"));
        if (context.Json)
        {
            var output = new RestoreOutput(point.Id, Path.GetFullPath(target), restored.Select(r => new RestoredComponent(r.Component, r.Path, r.Entries)).ToList());
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.RestoreOutput));
            return 0;
        }
        foreach (var (component, path, entries) in restored)
            context.Out.WriteLine($"Restored {component} ({entries} entries) to {path}");
        return 0;
    }
}
