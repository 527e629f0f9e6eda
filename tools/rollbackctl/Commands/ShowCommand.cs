using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class ShowCommand
{
    public static int Run(CliContext context)
    {
        var store = RecoveryStore.Open(context.Config.Store);
        var point = store.GetPoint(context.Args.Positionals[0]);
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(point, CliJsonContext.Default.RecoveryPointRecord));
            return 0;
        }
        context.Out.WriteLine($"Recovery point {point.Id}");
        context.Out.WriteLine($"  sequence      {point.Sequence}");
        context.Out.WriteLine($"  name          {(point.Name.Length == 0 ? "-" : point.Name)}");
        context.Out.WriteLine($"  reason        {point.Reason}");
        context.Out.WriteLine($"  created (UTC) {point.Created.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}");
        context.Out.WriteLine($"  last good     {(point.LastKnownGood ? "yes" : "no")}");
        context.Out.WriteLine($"  protected     {(point.Protected ? "yes" : "no")}");
        context.Out.WriteLine();
        var table = new Table("COMPONENT", "CATEGORY", "PATH", "ENTRIES", "FILES", "DATA", "ADDED", "MANIFEST");
        foreach (var c in point.Components)
            table.Add(c.Name, c.Category, c.Path, c.Entries.ToString(), c.Files.ToString(), Units.Bytes(c.DataBytes), Units.Bytes(c.AddedBytes), c.Manifest[..12]);
        context.Out.Write(table.ToString());
        return 0;
    }
}
