using Kernel.Update.Rollback.Configuration;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Cli.Cli;

/// <summary>What every command gets: its arguments, where to write, the logger, and the configuration (loaded on first use).</summary>
internal sealed class CliContext(ParsedArguments args, ILoggerFactory loggers)
{
    private RollbackConfig? _config;

    public ParsedArguments Args { get; } = args;
    public bool Json => Args.Has("--json");
    public bool Verbose => Args.Has("--verbose");
    public ILogger Logger { get; } = loggers.CreateLogger("rollbackctl");
    public TextWriter Out { get; init; } = Console.Out;

    public string ConfigPath => Args.Value("--config") ?? ConfigLoader.DefaultPath;

    public RollbackConfig Config => _config ??= ConfigLoader.Load(ConfigPath);
}
