using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class ListCommand
{
    public static int Run(CliContext context)
    {
        var store = RecoveryStore.Open(context.Config.Store);
        var points = store.Catalog.Points.OrderBy(p => p.Sequence).ToList();
        if (context.Json)
        {
            var listed = points.Select(p => new ListedPoint(p.Id, p.Sequence, p.Name, p.Reason, p.Created, p.LastKnownGood, p.Protected,
                p.Components.Select(c => c.Name).ToList(), p.Components.Sum(c => c.DataBytes)) { PendingUpdate = p.Id == store.Catalog.PendingUpdatePointId }).ToList();
            context.Out.WriteLine(JsonSerializer.Serialize(new ListOutput(store.Layout.Root, listed), CliJsonContext.Default.ListOutput));
            return 0;
        }
        if (points.Count == 0)
        {
            context.Out.WriteLine($"No recovery points in {store.Layout.Root}. Take one with 'rollbackctl snapshot'.");
            return 0;
        }
        var table = new Table("ID", "SEQ", "CREATED (UTC)", "REASON", "FLAGS", "DATA", "NAME", "COMPONENTS");
        foreach (var p in points)
        {
            string flags = (p.LastKnownGood ? "good " : "") + (p.Protected ? "protected " : "") + (p.Id == store.Catalog.PendingUpdatePointId ? "pending" : "");
            table.Add(p.Id, p.Sequence.ToString(), p.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), p.Reason.ToString(),
                flags.Trim().Length == 0 ? "-" : flags.Trim(), Units.Bytes(p.Components.Sum(c => c.DataBytes)),
                p.Name.Length == 0 ? "-" : p.Name, string.Join(",", p.Components.Select(c => c.Name)));
        }
        context.Out.Write(table.ToString());
        return 0;
    }
}
