namespace Kernel.Update.Rollback.Cli.Cli;

/// <summary>One option of a command: its name, the placeholder of its value (null for a flag), and its help.</summary>
internal sealed record OptionSpec(string Name, string? Value, string Help);

/// <summary>What a command accepts (options, how many positionals, a command after --), its help (a one-line brief for the
/// overview, synopsis, what it does, each option, its exit codes, examples), and whether it has a --json form. A hidden command (the demo's own
/// service process) is left out of the help.</summary>
internal sealed record CommandSpec(
    string Name,
    string Brief,
    string Synopsis,
    string Summary,
    OptionSpec[] Options,
    int MinPositionals,
    int MaxPositionals,
    string Exits,
    string[] Examples,
    bool AcceptsPassThrough = false,
    bool Hidden = false,
    bool HasJson = true)
{
    public string[] ValueOptions { get; } = [.. Options.Where(o => o.Value is not null).Select(o => o.Name)];

    public string[] Flags { get; } = [.. Options.Where(o => o.Value is null).Select(o => o.Name)];
}
