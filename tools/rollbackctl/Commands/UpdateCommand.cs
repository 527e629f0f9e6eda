using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Updates;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary><c>rollbackctl update --components a,b [--timeout D] [--commit-after D] -- CMD ARGS...</c>.</summary>
internal static class UpdateCommand
{
    public static int Run(CliContext context)
    {
        var components = context.Args.List("--components") ?? throw ParsedArguments.Usage("'update' needs --components a,b: the components the update changes");
        if (context.Args.PassThrough.Count == 0)
            throw ParsedArguments.Usage("'update' needs the update command after --");
        var request = new UpdateRequest(components, Audit.AuditLog.CurrentActor)
        {
            Command = [.. context.Args.PassThrough],
            Timeout = Durations.Option(context.Args, "--timeout"),
            CommitAfter = Durations.Option(context.Args, "--commit-after"),
        };
        var sampler = HealthSampling.For(context);
        var outcome = new UpdatePipeline(context.Config, context.Logger, sampler).RunAsync(request).GetAwaiter().GetResult();
        if (context.Json)
        {
            var output = new UpdateOutput(outcome.PointId, outcome.Result.ToString(), outcome.ExitCode, outcome.Trigger?.ToString(),
                outcome.Rollback?.Report.Id, outcome.Rollback?.Rollback?.OperationId, outcome.Rollback?.Report.Error, outcome.ConfirmedPointId);
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.UpdateOutput));
        }
        else
            context.Out.WriteLine(outcome.Result switch
            {
                UpdateResult.Pending => $"Update applied; recovery point {outcome.PointId} taken before it. It is pending: confirm it with 'rollbackctl mark-good' once the device is good.",
                UpdateResult.Committed => $"Update applied and healthy through the commit window: confirmed, {outcome.ConfirmedPointId} is the last-known-good.",
                UpdateResult.RolledBack => $"Update rolled back to {outcome.PointId} ({outcome.Trigger}: {outcome.Rollback!.Report.Reason}); failure report {outcome.Rollback.Report.Id}.",
                _ => $"Update failed ({outcome.Trigger}: {outcome.Rollback!.Report.Reason}) and its rollback failed too: {outcome.Rollback.Report.Error}",
            });
        return outcome.Result is UpdateResult.Pending or UpdateResult.Committed ? 0 : 1;
    }
}
