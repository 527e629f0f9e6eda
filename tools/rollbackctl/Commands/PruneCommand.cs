using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Retention;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class PruneCommand
{
    public static int Run(CliContext context)
    {
        var config = context.Config;
        var policy = new RetentionPolicy(config.Retention.MaxPerCategory, config.Retention.MaxTotal);
        var result = new Pruner(config.Store, policy, config.Compression.Level, context.Logger).Prune();
        if (context.Json)
        {
            var output = new PruneOutput(result.Removed.Select(p => p.Id).ToList(), result.PacksRemoved, result.PacksRewritten, result.BytesReclaimed);
            context.Out.WriteLine(JsonSerializer.Serialize(output, CliJsonContext.Default.PruneOutput));
            return 0;
        }
        context.Out.WriteLine(result.Removed.Count == 0
            ? "No recovery point is over the retention limits."
            : $"Removed {result.Removed.Count} recovery points: {string.Join(", ", result.Removed.Select(p => $"{p.Id} (#{p.Sequence})"))}.");
        context.Out.WriteLine($"Reclaimed {Units.Bytes(result.BytesReclaimed)} ({result.PacksRemoved} packs removed, {result.PacksRewritten} repacked).");
        return 0;
    }
}
