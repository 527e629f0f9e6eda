using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Cli;

/// <summary>
/// Log lines to stderr, one per event, prefixed so journald and people can read them; stdout stays clean
/// for --json. A few lines of our own instead of the console logger package: no options or configuration
/// binding, which keeps the native binary small and trim-safe.
/// </summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(minimum);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            string level = logLevel switch
            {
                LogLevel.Critical => "critical",
                LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                LogLevel.Information => "info",
                _ => "debug",
            };
            Console.Error.WriteLine($"rollbackctl: {level}: {formatter(state, exception)}");
        }
    }
}
