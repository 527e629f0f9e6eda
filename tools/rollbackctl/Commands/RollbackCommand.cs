using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary><c>rollbackctl rollback ID [--components a,b] [--exact] --yes [--json]</c> and <c>rollbackctl recover</c>.</summary>
internal static class RollbackCommand
{
    public static int Run(CliContext context)
    {
        Hash256.WarmUp(); // while the configuration loads
        var request = new RollbackRequest(context.Args.Positionals[0], context.Args.List("--components"), context.Args.Has("--exact"),
            context.Args.Has("--yes"), Actor())
        {
            Incremental = context.Args.Has("--incremental"),
            Force = context.Args.Has("--force"),
        };
        var outcome = new RollbackSystem(context.Config, context.Logger).RollBackAsync(request, default, Progress(context)).GetAwaiter().GetResult();
        return Print(context, outcome);
    }

    public static int Emergency(CliContext context)
    {
        Hash256.WarmUp();
        var outcome = new RollbackSystem(context.Config, context.Logger).EmergencyRollBackAsync(context.Args.Has("--yes"), Actor(), default, Progress(context))
            .GetAwaiter().GetResult();
        return Print(context, outcome);
    }

    /// <summary>With an id: move the last-known-good flag to that point. Without: confirm the device as it runs now
    /// (a BootGood point becomes the last-known-good, and a pending update ends).</summary>
    public static int MarkGood(CliContext context)
    {
        string? pending = null;
        Store.Catalog.RecoveryPointRecord point;
        if (context.Args.Positionals.Count == 1)
            point = LastKnownGood.Mark(context.Config.Store, context.Args.Positionals[0], Actor(), context.Logger);
        else
        {
            pending = Updates.PendingUpdate.Find(context.Config.Store)?.Id;
            point = Updates.UpdateConfirmation.Confirm(context.Config, context.Logger);
        }
        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(new MarkGoodOutput(point.Id, pending), CliJsonContext.Default.MarkGoodOutput));
        else
            context.Out.WriteLine(pending is null
                ? $"Recovery point {point.Id} is now the last-known-good."
                : $"Update {pending} confirmed: recovery point {point.Id} of the running device is now the last-known-good.");
        return 0;
    }

    public static int Recover(CliContext context)
    {
        var outcome = new RollbackSystem(context.Config, context.Logger).RecoverAsync(default, Progress(context)).GetAwaiter().GetResult();
        if (outcome is null)
        {
            if (context.Json)
                context.Out.WriteLine(JsonSerializer.Serialize(new NothingRecoveredOutput(false), CliJsonContext.Default.NothingRecoveredOutput));
            else
                context.Out.WriteLine("Nothing was interrupted.");
            return 0;
        }
        return Print(context, outcome, recovered: true);
    }

    private static int Print(CliContext context, RollbackOutcome outcome, bool? recovered = null)
    {
        if (outcome.Components.Count == 0)
        {
            if (context.Json)
                context.Out.WriteLine(JsonSerializer.Serialize(new RollbackOutput(outcome.OperationId, outcome.PointId, outcome.Phase.ToString(), [], null, []) { Recovered = recovered },
                    CliJsonContext.Default.RollbackOutput));
            else
                context.Out.WriteLine($"Nothing differs from {outcome.PointId}: nothing was changed.");
            return 0;
        }
        if (context.Json)
        {
            var steps = outcome.Steps.Select(s => new RollbackStepOutput(s.Component, s.Step, s.Phase.ToString())).ToList();
            var output = new RollbackOutput(outcome.OperationId, outcome.PointId, outcome.Phase.ToString(), [.. outcome.Components], outcome.SafetyPointId, steps)
            {
                Recovered = recovered,
            };
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.RollbackOutput));
        }
        else
        {
            context.Out.WriteLine($"Rollback {outcome.OperationId} to {outcome.PointId}: {outcome.Phase}");
            PrintOrder(context, outcome, ComponentSteps.ServicesStopped, "services stopped, in order");
            context.Out.WriteLine($"  restored, in order: {string.Join(", ", outcome.Components)}");
            PrintOrder(context, outcome, ComponentSteps.ServicesStarted, "services started, in order");
            if (outcome.SafetyPointId is not null)
                context.Out.WriteLine($"  safety point (to undo this rollback): {outcome.SafetyPointId}");
            if (context.Verbose)
            {
                var table = new Table("STEP", "COMPONENT", "PHASE");
                foreach (var step in outcome.Steps)
                    table.Add(step.Step, step.Component, step.Phase.ToString());
                context.Out.WriteLine("  every journaled step, in order:");
                context.Out.Write(Indent(table.ToString(), "    "));
            }
        }
        return outcome.Phase == RollbackPhase.Completed ? 0 : 1;
    }

    /// <summary>A progress bar on stderr, rewritten in place, only when stderr is a terminal and the output is for people.</summary>
    private static IProgress<RollbackProgress>? Progress(CliContext context) => ProgressBar.Wanted(context.Json) ? new RollbackProgressBar() : null;

    private sealed class RollbackProgressBar : IProgress<RollbackProgress>
    {
        public void Report(RollbackProgress value)
        {
            string bytes = value.BytesTotal > 0 ? $"  {Units.Bytes(value.BytesDone)} of {Units.Bytes(value.BytesTotal)}" : "";
            ProgressBar.Draw(value.Percent, $"{value.Phase}{(value.Component is null ? "" : " " + value.Component)}{bytes}");
            if (value.Percent >= 100)
                Console.Error.WriteLine();
        }
    }

    private static void PrintOrder(CliContext context, RollbackOutcome outcome, string step, string label)
    {
        var components = outcome.Steps.Where(s => s.Step == step).Select(s => s.Component).ToList();
        if (components.Count > 0)
            context.Out.WriteLine($"  {label}: {string.Join(", ", components)}");
    }

    private static string Indent(string text, string indent) =>
        string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => indent + line + "\n"));

    private static string Actor() => Audit.AuditLog.CurrentActor;
}
