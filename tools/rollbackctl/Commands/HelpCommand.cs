using System.Text;
using Kernel.Update.Rollback.Cli.Cli;

namespace Kernel.Update.Rollback.Cli.Commands;

internal static class HelpCommand
{
    public static int Run(CliContext context)
    {
        string? topic = context.Args.Command == "help" ? context.Args.Positionals.FirstOrDefault() : context.Args.Command;
        context.Out.Write(topic is not null && CommandTable.ByName().TryGetValue(topic, out var spec) ? ForCommand(spec) : General());
        return 0;
    }

    public static string ForCommand(CommandSpec spec) => $"usage: {spec.Synopsis}\n\n{spec.Summary}\n\n{GlobalOptions}";

    private const string GlobalOptions =
        "Options for every command:\n" +
        "  --config FILE   configuration (default /etc/rollback/rollback.json)\n" +
        "  --json          print one JSON document on stdout and nothing else\n" +
        "  --verbose       log details to stderr; show stack traces of internal errors\n" +
        "  --help          show help\n\n" +
        "Exit codes: 0 success, 1 the operation failed, 2 refused (usage, bad input, store busy), 3 corruption found.\n";

    private static string General()
    {
        var text = new StringBuilder();
        text.AppendLine("rollbackctl - recovery points and rollback for embedded Linux updates");
        text.AppendLine();
        text.AppendLine("Commands:");
        int width = 0;
        foreach (var spec in CommandTable.Specs)
            if (!spec.Hidden)
                width = Math.Max(width, spec.Name.Length);
        foreach (var spec in CommandTable.Specs)
            if (!spec.Hidden)
                text.AppendLine($"  {spec.Name.PadRight(width)}  {spec.Summary}");
        text.AppendLine();
        text.Append(GlobalOptions);
        text.AppendLine("Run 'rollbackctl help COMMAND' for one command's usage.");
        return text.ToString();
    }
}
