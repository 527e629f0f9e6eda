using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Cli;

/// <summary>
/// Log lines to stderr, one per event, prefixed so journald and people can read them; stdout stays clean
/// for --json. A few lines of our own instead of the console logger package: no options or configuration
/// binding, which keeps the native binary small and trim-safe.
/// </summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    // Under systemd, stderr goes to the journal (JOURNAL_STREAM is set): a "<N>" syslog priority prefix gives each
    // line its level there (sd-daemon(3)), so 'journalctl -p warning' finds our warnings.
    private static readonly bool ToJournal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };

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
            string priority = !ToJournal ? "" : logLevel switch
            {
                LogLevel.Critical => "<2>",
                LogLevel.Error => "<3>",
                LogLevel.Warning => "<4>",
                LogLevel.Information => "<6>",
                _ => "<7>",
            };
            Console.Error.WriteLine($"{priority}rollbackctl: {level}: {formatter(state, exception)}");
        }
    }
}
