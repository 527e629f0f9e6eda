using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Verification;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class VerifyCommand
{
    public static int Run(CliContext context)
    {
        var report = new StoreVerifier(context.Config.Store).Verify(context.Args.Positionals.FirstOrDefault());
        int exit = report.Clean ? ExitCodes.Success : ExitCodes.Corruption;
        if (context.Json)
        {
            var problems = report.Problems.Select(p => new VerifyProblemOutput(p.PointId, p.Component, p.File, p.StoreFile, p.Message)).ToList();
            var output = new VerifyOutput(report.Clean, report.PointsChecked, report.ManifestsChecked, report.ChunksChecked, report.BytesChecked, problems);
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.VerifyOutput));
            return exit;
        }
        foreach (var p in report.Problems)
        {
            string where = p.PointId is null ? "store" : $"recovery point {p.PointId}" + (p.Component is null ? "" : $" component {p.Component}") + (p.File is null ? "" : $" file {p.File}");
            Console.Error.WriteLine($"rollbackctl: corruption: {where}: {p.Message}");
        }
        context.Out.WriteLine(report.Clean
            ? $"OK: {report.PointsChecked} recovery points, {report.ManifestsChecked} manifests, {report.ChunksChecked} chunks ({Units.Bytes(report.BytesChecked)}) verified."
            : $"DAMAGED: {report.Problems.Count} problems found in {report.PointsChecked} recovery points.");
        return exit;
    }
}
