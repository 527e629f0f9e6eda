using System.Diagnostics;
using System.Text.Json;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class SnapshotCommand
{
    public static int Run(CliContext context)
    {
        var config = context.Config;
        var request = new SnapshotRequest(context.Args.Value("--name"), RecoveryPointReason.Manual, context.Args.List("--components"));
        var clock = Stopwatch.StartNew();
        RecoveryPointRecord point;
        using (new ProgressLine(request.Counters, context.Json))
            point = new Snapshotter(config, context.Logger).Create(request);
        clock.Stop();
        long read = point.Components.Sum(c => c.ReadBytes);
        long added = point.Components.Sum(c => c.AddedBytes);
        if (context.Json)
        {
            var output = new SnapshotOutput(point.Id, point.Sequence, point.Name, point.Reason, point.Created,
                clock.ElapsedMilliseconds, read, added, point.Components);
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.SnapshotOutput));
            return 0;
        }
        context.Out.WriteLine($"Recovery point {point.Id} (#{point.Sequence}) taken in {Units.Duration(clock.Elapsed)}: " +
                              $"read {Units.Bytes(read)}, stored {Units.Bytes(added)} new.");
        var table = new Table("COMPONENT", "CATEGORY", "ENTRIES", "DATA", "READ", "ADDED");
        foreach (var c in point.Components)
            table.Add(c.Name, c.Category, c.Entries.ToString(), Units.Bytes(c.DataBytes), Units.Bytes(c.ReadBytes), Units.Bytes(c.AddedBytes));
        context.Out.Write(table.ToString());
        return 0;
    }
}
