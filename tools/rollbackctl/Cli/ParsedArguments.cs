using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Cli.Cli;

/// <summary>
/// The command line after parsing: one command, its positional arguments, and its options. Options are
/// declared per command (<see cref="CommandSpec"/>), so a misspelt option is a usage error (exit 2),
/// never silently ignored.
/// </summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public required string Command { get; init; }
    public List<string> Positionals { get; } = [];
    public List<string> PassThrough { get; } = [];

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);

    public string Required(string option, string what) =>
        Value(option) ?? throw Usage($"'{Command}' needs {option} {what}");

    public IReadOnlyList<string>? List(string option)
    {
        string? value = Value(option);
        if (value is null)
            return null;
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length == 0 ? throw Usage($"{option} needs at least one name") : items;
    }

    internal void Set(string option, string? value) => _options[option] = value;

    public static RollbackException Usage(string message) => new(RollbackErrorKind.InvalidInput, message + " (see 'rollbackctl --help')");
}
