namespace Kernel.Update.Rollback.Cli.Cli;

/// <summary>What a command accepts: options that take a value, flags, how many positionals, and its help. A hidden
/// command (the demo's own service process) is left out of the help.</summary>
internal sealed record CommandSpec(
    string Name,
    string Synopsis,
    string Summary,
    string[] ValueOptions,
    string[] Flags,
    int MinPositionals,
    int MaxPositionals,
    bool AcceptsPassThrough = false,
    bool Hidden = false);
