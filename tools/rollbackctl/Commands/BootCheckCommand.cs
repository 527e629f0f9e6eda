using System.Text.Json;
using Kernel.Update.Rollback.Boot;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary><c>rollbackctl boot-check [--shutdown]</c>: count this boot while an update is pending (early in boot), or
/// record a clean shutdown (at shutdown).</summary>
internal static class BootCheckCommand
{
    public static int Run(CliContext context)
    {
        var protection = new BootProtection(context.Config, context.Logger);
        if (context.Args.Has("--shutdown"))
        {
            bool recorded = protection.RecordCleanShutdown();
            if (context.Json)
                context.Out.WriteLine(JsonSerializer.Serialize(new ShutdownOutput(recorded), CliJsonContext.Default.ShutdownOutput));
            else
                context.Out.WriteLine(recorded ? "Clean shutdown recorded: this boot will not count as failed." : "No update is pending: nothing to record.");
            return 0;
        }
        var result = protection.CheckAsync().GetAwaiter().GetResult();
        if (context.Json)
        {
            var output = new BootCheckOutput(result.Verdict.ToString(), result.BootId, result.UpdatePointId, result.FailedBoots, result.MaxAttempts,
                result.Recovered?.OperationId, result.Rollback?.Report.Id, result.Rollback?.Rollback?.OperationId, result.Rollback?.Report.TargetPointId,
                result.Rollback?.Report.Error, result.RebootError);
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.BootCheckOutput));
        }
        else
            context.Out.WriteLine(Describe(result));
        if (result.RebootError is not null)
            Console.Error.WriteLine("rollbackctl: " + result.RebootError);
        return result.Verdict == BootVerdict.RollbackFailed || result.RebootError is not null ? 1 : 0;
    }

    private static string Describe(BootCheckResult r) => r.Verdict switch
    {
        BootVerdict.NothingPending => "No update is pending: this boot is not counted.",
        BootVerdict.AlreadyCounted => $"Update {r.UpdatePointId} pending: this boot was already counted ({r.FailedBoots} of {r.MaxAttempts} boots failed).",
        BootVerdict.Counted => $"Update {r.UpdatePointId} pending: {r.FailedBoots} of {r.MaxAttempts} boots failed so far; confirm with 'rollbackctl mark-good'.",
        BootVerdict.RolledBack => $"Update {r.UpdatePointId} failed {r.FailedBoots} boots: rolled back to {r.Rollback!.Report.TargetPointId} "
            + $"(operation {r.Rollback.Rollback!.OperationId}, failure report {r.Rollback.Report.Id}); rebooting.",
        _ => $"Update {r.UpdatePointId} failed {r.FailedBoots} boots, and the emergency rollback failed: {r.Rollback?.Report.Error} "
            + $"(failure report {r.Rollback?.Report.Id}); not rebooting, the next boot tries again.",
    };
}
