using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Diagnostics;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class ShowCommand
{
    public static int Run(CliContext context)
    {
        var store = RecoveryStore.Open(context.Config.Store);
        var point = store.GetPoint(context.Args.Positionals[0]);
        var reports = FailureReports.About(context.Config.Store, point.Id);
        if (context.Json)
        {
            var json = JsonSerializer.SerializeToNode(point, CliJsonContext.Default.RecoveryPointRecord)!.AsObject();
            if (reports.Count > 0)
                json["failureReports"] = JsonSerializer.SerializeToNode(reports, CliJsonContext.Default.ListFailureReport);
            context.Out.WriteLine(json.ToJsonString(CliJsonContext.Default.Options));
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
            table.Add(c.Name, c.Category, c.Path, c.Entries.ToString(), c.Files.ToString(), Units.Bytes(c.DataBytes), Units.Bytes(c.AddedBytes),
                context.Verbose ? c.Manifest : c.Manifest[..12]);
        context.Out.Write(table.ToString());
        foreach (var report in reports)
            PrintReport(context, point.Id, report);
        return 0;
    }

    /// <summary>A failure report, as a person reads it after the device is back.</summary>
    private static void PrintReport(CliContext context, string pointId, FailureReport report)
    {
        var o = context.Out;
        o.WriteLine();
        string role = report.SafetyPointId == pointId ? "taken just before" : "the target of";
        o.WriteLine($"Failure report {report.Id} (this point was {role} the rollback it led to)");
        o.WriteLine($"  trigger       {report.Trigger}: {report.Reason}");
        o.WriteLine($"  at (UTC)      {report.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}{(report.BootId is null ? "" : $"  boot {report.BootId}")}");
        o.WriteLine($"  rolled back   {string.Join(", ", report.Components)} to {report.TargetPointId}");
        o.WriteLine($"  result        {report.Result ?? "(not finished)"}{(report.OperationId is null ? "" : $"  operation {report.OperationId}")}"
            + (report.Error is null ? "" : $": {report.Error}"));
        foreach (var probe in report.Probes)
            if (probe.Level != Health.HealthLevel.Good)
                o.WriteLine($"  probe         {probe.Component}: {probe.Probe} {probe.Level}: {probe.Detail}");
        foreach (var log in report.Logs)
        {
            o.WriteLine($"  log of {log.Component}/{log.Service}:");
            foreach (string line in context.Verbose ? log.Lines : log.Lines.TakeLast(10))
                o.WriteLine("    " + line);
        }
    }
}
