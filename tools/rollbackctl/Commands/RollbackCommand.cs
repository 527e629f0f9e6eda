using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary><c>rollbackctl rollback ID [--components a,b] [--exact] --yes [--json]</c> and <c>rollbackctl recover</c>.</summary>
internal static class RollbackCommand
{
    public static int Run(CliContext context)
    {
        var request = new RollbackRequest(context.Args.Positionals[0], context.Args.List("--components"), context.Args.Has("--exact"),
            context.Args.Has("--yes"), Actor());
        var outcome = new RollbackSystem(context.Config, context.Logger).RollBackAsync(request).GetAwaiter().GetResult();
        return Print(context, outcome);
    }

    public static int Recover(CliContext context)
    {
        var outcome = new RollbackSystem(context.Config, context.Logger).RecoverAsync().GetAwaiter().GetResult();
        if (outcome is null)
        {
            if (context.Json)
                context.Out.WriteLine("{ \"recovered\": false }");
            else
                context.Out.WriteLine("Nothing was interrupted.");
            return 0;
        }
        return Print(context, outcome);
    }

    private static int Print(CliContext context, RollbackOutcome outcome)
    {
        if (context.Json)
        {
            var output = new RollbackOutput(outcome.OperationId, outcome.PointId, outcome.Phase.ToString(), [.. outcome.Components], outcome.SafetyPointId);
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.RollbackOutput));
        }
        else
        {
            context.Out.WriteLine($"Rollback {outcome.OperationId} to {outcome.PointId}: {outcome.Phase}");
            context.Out.WriteLine($"  restored, in order: {string.Join(", ", outcome.Components)}");
            if (outcome.SafetyPointId is not null)
                context.Out.WriteLine($"  safety point (to undo this rollback): {outcome.SafetyPointId}");
        }
        return outcome.Phase == RollbackPhase.Completed ? 0 : 1;
    }

    private static string Actor() => Audit.AuditLog.CurrentActor;
}
