namespace Kernel.Update.Rollback.Cli.Cli;

/// <summary>
/// Parses <c>rollbackctl [global options] COMMAND [args] [-- CMD...]</c>. Global options (--config, --json,
/// --verbose) may stand before or after the command. Hand-written rather than a package: the grammar is
/// small, and owning it keeps the exit codes of the contract exact and the native binary small.
/// </summary>
internal static class ArgumentParser
{
    public static readonly string[] GlobalValueOptions = ["--config"];
    public static readonly string[] GlobalFlags = ["--json", "--verbose", "--help", "-h"];

    public static ParsedArguments Parse(string[] args, IReadOnlyDictionary<string, CommandSpec> commands)
    {
        string? command = null;
        var pending = new List<(string Name, string? Value)>();
        var positionals = new List<string>();
        var passThrough = new List<string>();
        CommandSpec? spec = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                passThrough.AddRange(args[(i + 1)..]);
                break;
            }
            if (arg.StartsWith('-') && arg.Length > 1)
            {
                string name = arg;
                string? inline = null;
                int equals = arg.IndexOf('=');
                if (equals > 0)
                {
                    name = arg[..equals];
                    inline = arg[(equals + 1)..];
                }
                bool takesValue = GlobalValueOptions.Contains(name) || (spec?.ValueOptions.Contains(name) ?? false);
                bool isFlag = GlobalFlags.Contains(name) || (spec?.Flags.Contains(name) ?? false);
                if (!takesValue && !isFlag)
                    throw ParsedArguments.Usage(spec is null ? $"unknown option {name}" : $"'{spec.Name}' has no option {name}");
                if (takesValue)
                {
                    string value = inline ?? (i + 1 < args.Length ? args[++i] : throw ParsedArguments.Usage($"{name} needs a value"));
                    pending.Add((name, value));
                }
                else
                {
                    if (inline is not null)
                        throw ParsedArguments.Usage($"{name} takes no value");
                    pending.Add((name, null));
                }
                continue;
            }
            if (command is null)
            {
                command = arg;
                if (!commands.TryGetValue(arg, out spec))
                    throw ParsedArguments.Usage($"unknown command '{arg}'");
                continue;
            }
            positionals.Add(arg);
        }

        var parsed = new ParsedArguments { Command = command ?? "help" };
        foreach (var (name, value) in pending)
            parsed.Set(name == "-h" ? "--help" : name, value);
        parsed.Positionals.AddRange(positionals);
        parsed.PassThrough.AddRange(passThrough);
        if (spec is not null && !parsed.Has("--help"))
        {
            if (positionals.Count < spec.MinPositionals)
                throw ParsedArguments.Usage($"'{spec.Name}' needs more arguments: {spec.Synopsis}");
            if (positionals.Count > spec.MaxPositionals)
                throw ParsedArguments.Usage($"'{spec.Name}' got an unexpected argument '{positionals[spec.MaxPositionals]}': {spec.Synopsis}");
            if (passThrough.Count > 0 && !spec.AcceptsPassThrough)
                throw ParsedArguments.Usage($"'{spec.Name}' takes no command after --");
            if (parsed.Has("--json") && !spec.HasJson)
                throw ParsedArguments.Usage($"'{spec.Name}' has no --json form: its output is for people");
        }
        return parsed;
    }
}
