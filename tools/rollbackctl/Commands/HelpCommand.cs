using System.Text;
using Kernel.Update.Rollback.Cli.Cli;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>The help, generated from <see cref="CommandSpecs"/>: enough to use each command without the README.</summary>
internal static class HelpCommand
{
    public static int Run(CliContext context)
    {
        string? topic = context.Args.Command == "help" ? context.Args.Positionals.FirstOrDefault() : context.Args.Command;
        if (topic is not null && topic != "help" && !CommandTable.ByName().ContainsKey(topic))
            throw ParsedArguments.Usage($"unknown command '{topic}'");
        context.Out.Write(topic is not null && topic != "help" ? ForCommand(CommandTable.ByName()[topic]) : General());
        return 0;
    }

    public static string ForCommand(CommandSpec spec)
    {
        var text = new StringBuilder();
        text.Append("usage: ").AppendLine(spec.Synopsis).AppendLine();
        Wrap(text, spec.Summary, "");
        text.AppendLine();
        var options = spec.Options.Select(o => (Left: o.Value is null ? o.Name : $"{o.Name} {o.Value}", o.Help)).ToList();
        if (spec.HasJson)
            options.Add(("--json", spec.Name == "monitor"
                ? "one JSON line per event on stdout, as the API's subscribers get them (errors: one JSON document)"
                : "print one JSON document on stdout and nothing else (errors too: error, kind, exitCode)"));
        if (options.Count > 0)
        {
            text.AppendLine("Options:");
            AppendOptions(text, options);
            text.AppendLine();
        }
        text.AppendLine("Exit codes:");
        Wrap(text, spec.Exits, "  ");
        text.AppendLine();
        if (spec.Examples.Length > 0)
        {
            text.AppendLine("Examples:");
            foreach (string example in spec.Examples)
                text.Append("  ").AppendLine(example);
            text.AppendLine();
        }
        text.AppendLine("Options of every command:");
        AppendOptions(text, Common);
        return text.ToString();
    }

    private static readonly List<(string Left, string Help)> Common =
    [
        ("--config FILE", "the configuration (default /etc/rollback/rollback.json)"),
        ("--verbose", "log what happens to stderr; show more detail and the stack trace of an internal error"),
        ("--help", "show this help"),
    ];

    private static string General()
    {
        var text = new StringBuilder();
        text.AppendLine("rollbackctl - recovery points and rollback for embedded Linux updates");
        text.AppendLine();
        text.AppendLine("usage: rollbackctl [--config FILE] [--json] [--verbose] COMMAND [ARGS]");
        text.AppendLine();
        text.AppendLine("Commands:");
        AppendOptions(text, [.. CommandTable.Specs.Where(s => !s.Hidden).Select(s => (s.Name, s.Brief))]);
        text.AppendLine();
        text.AppendLine("Options of every command:");
        AppendOptions(text, [.. Common, ("--json", "print one JSON document on stdout (every command but help; monitor: one line per event)")]);
        text.AppendLine();
        text.AppendLine("Exit codes: 0 success, 1 the operation failed (the message says what and where), 2 refused (usage, bad");
        text.AppendLine("input or configuration, missing --yes, store busy, not enough space), 3 corruption found.");
        text.AppendLine("Configuration: JSON with root, store and components; see /usr/share/doc/rollbackctl/examples/rollback.json.");
        text.AppendLine();
        text.AppendLine("Run 'rollbackctl help COMMAND' for a command's options, exit codes and examples.");
        return text.ToString();
    }

    private static void AppendOptions(StringBuilder text, List<(string Left, string Help)> rows)
    {
        int width = rows.Max(r => r.Left.Length);
        foreach (var (left, help) in rows)
        {
            text.Append("  ").Append(left.PadRight(width)).Append("  ");
            Wrap(text, help, new string(' ', width + 4), firstIndented: false);
        }
    }

    /// <summary>Words wrapped at 100 columns, every line but (optionally) the first indented.</summary>
    private static void Wrap(StringBuilder text, string words, string indent, bool firstIndented = true)
    {
        const int Width = 100;
        int column = firstIndented ? 0 : indent.Length;
        if (firstIndented)
        {
            text.Append(indent);
            column = indent.Length;
        }
        bool lineStart = true;
        foreach (string word in words.Split(' '))
        {
            if (!lineStart && column + 1 + word.Length > Width)
            {
                text.AppendLine().Append(indent);
                column = indent.Length;
                lineStart = true;
            }
            if (!lineStart)
            {
                text.Append(' ');
                column++;
            }
            text.Append(word);
            column += word.Length;
            lineStart = false;
        }
        text.AppendLine();
    }
}
