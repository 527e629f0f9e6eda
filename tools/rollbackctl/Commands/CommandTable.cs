using Kernel.Update.Rollback.Cli.Cli;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>What runs each command of rollbackctl (their options and help are in <see cref="CommandSpecs"/>).</summary>
internal static class CommandTable
{
    public static CommandSpec[] Specs => CommandSpecs.All;

    public static Dictionary<string, CommandSpec> ByName() => Specs.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static int Run(CliContext context) => context.Args.Command switch
    {
        "snapshot" => SnapshotCommand.Run(context),
        "list" => ListCommand.Run(context),
        "show" => ShowCommand.Run(context),
        "restore" => RestoreCommand.Run(context),
        "diff" => DiffCommand.Run(context),
        "rollback" => RollbackCommand.Run(context),
        "recover" => RollbackCommand.Recover(context),
        "emergency" => RollbackCommand.Emergency(context),
        "mark-good" => RollbackCommand.MarkGood(context),
        "update" => UpdateCommand.Run(context),
        "boot-check" => BootCheckCommand.Run(context),
        "verify" => VerifyCommand.Run(context),
        "prune" => PruneCommand.Run(context),
        "monitor" => MonitorCommand.Run(context),
        "health" => HealthCommand.Run(context),
        "demo" => DemoCommand.Run(context),
        "demo-service" => Demo.DemoService.Run(context.Args.Required("--root", "DIR"), int.Parse(context.Args.Required("--port", "N"),
            System.Globalization.CultureInfo.InvariantCulture), context.Args.Required("--pid-file", "FILE")),
        "graph" => GraphCommand.Run(context),
        _ => HelpCommand.Run(context),
    };
}
