using Kernel.Update.Rollback.Cli.Cli;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>Every command of rollbackctl, its options, and what runs it. The help text is generated from this table.</summary>
internal static class CommandTable
{
    public static readonly CommandSpec[] Specs =
    [
        new("snapshot", "rollbackctl snapshot [--name TEXT] [--components a,b] [--json]",
            "Take a recovery point of the components (all, or those named): trees, and block devices or image files.", ["--name", "--components"], [], 0, 0),
        new("list", "rollbackctl list [--json]", "List the recovery points in the store, oldest first.", [], [], 0, 0),
        new("show", "rollbackctl show ID [--json]", "Show one recovery point and its components. ID may be a unique prefix or 'latest'.", [], [], 1, 1),
        new("restore", "rollbackctl restore ID --to DIR [--components a,b] [--json]",
            "Recreate each tree component of a recovery point at DIR/<component path>, exactly, and each block component as an image at DIR/<block path>. The live system is not touched.",
            ["--to", "--components"], [], 1, 1),
        new("diff", "rollbackctl diff ID [--components a,b] [--json]",
            "Show what changed in the live system since a recovery point: added, removed, modified, metadata only.", ["--components"], [], 1, 1),
        new("rollback", "rollbackctl rollback ID [--components a,b] [--exact] [--incremental] [--force] --yes [--json]",
            "Roll the live components back to a recovery point (the named ones and their dependents, dependencies first; with --incremental only those that differ from it), journaled and crash-safe. ID may be 'last-known-good'. A block device mounted read-write is refused unless --force. Refused without --yes.",
            ["--components"], ["--exact", "--incremental", "--force", "--yes"], 1, 1),
        new("emergency", "rollbackctl emergency --yes [--json]",
            "Roll every component back to the last-known-good recovery point, the shortest safe path. Refused without --yes.", [], ["--yes"], 0, 0),
        new("mark-good", "rollbackctl mark-good [ID] [--json]",
            "Confirm the device as it runs now: a recovery point of every component becomes the last-known-good (the target of 'emergency', never pruned) and a pending update ends. With ID, move the last-known-good flag to that point instead.", [], [], 0, 1),
        new("update", "rollbackctl update --components a,b [--timeout DURATION] [--commit-after DURATION] [--json] -- CMD ARGS...",
            "Take a PreUpdate recovery point of the components (and their dependents), run CMD, and roll them back at once if it fails or outlasts --timeout. On success the update is pending until 'mark-good'; with --commit-after, health is watched that long and the update is confirmed, or rolled back if a critical component goes Critical. Durations: 90, 500ms, 30s, 5m, 2h.",
            ["--components", "--timeout", "--commit-after"], [], 0, 0, AcceptsPassThrough: true),
        new("boot-check", "rollbackctl boot-check [--shutdown] [--json]",
            "Early in boot: count this boot while an update is pending; after boot.maxAttempts boots that ended without a clean shutdown or 'mark-good', roll the update's components back to the last-known-good and run boot.rebootCommand. With --shutdown (at shutdown): record that this boot ended cleanly.",
            [], ["--shutdown"], 0, 0),
        new("recover", "rollbackctl recover [--json]", "Finish or revert an operation a crash interrupted; exit 0 when nothing was interrupted.", [], [], 0, 0),
        new("verify", "rollbackctl verify [ID] [--json]",
            "Read and hash everything the store holds (or one point needs). Exit 3 naming the damaged point, component and file.", [], [], 0, 1),
        new("prune", "rollbackctl prune [--json]",
            "Apply retention (per category and in all; never the last-known-good, protected or pending points) and reclaim space.", [], [], 0, 0),
        new("monitor", "rollbackctl monitor [--verbose]",
            "Run the health monitor as a service (systemd Type=notify, watchdog): recover an interrupted operation, sample every component's probes every monitor.intervalSeconds, and turn sustained Critical health of critical components into automatic, partial rollbacks as autoRollback allows. Runs until SIGTERM.",
            [], [], 0, 0),
        new("health", "rollbackctl health [--components a,b] [--json]",
            "Run the health probes of the components (all, or those named) once and report each probe's verdict, each component's level and the system's (the worst critical component's). Exit 0 whatever the health.",
            ["--components"], [], 0, 0),
        new("demo", "rollbackctl demo [--dir DIR] [--keep]",
            "Create a sandbox device, snapshot it, break it, and show the recovery points verified and restored.", ["--dir"], ["--keep"], 0, 0),
        new("graph", "rollbackctl graph [--format dot|mermaid] [--json]",
            "Print the rollback phase machine as a Mermaid (default) or Graphviz DOT diagram, generated from its definition.",
            ["--format"], [], 0, 0),
        new("demo-service", "rollbackctl demo-service --root DIR --port N --pid-file FILE",
            "The demo device's service process.", ["--root", "--port", "--pid-file"], [], 0, 0, Hidden: true),
        new("help", "rollbackctl help [COMMAND]", "Show this help, or one command's.", [], [], 0, 1),
    ];

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
