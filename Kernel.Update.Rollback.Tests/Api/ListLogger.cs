using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>Keeps every log line (event id and text), so a test can check what the server said and why.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<(int Id, string Text)> _lines = new();

    public IReadOnlyList<(int Id, string Text)> Lines => [.. _lines];

    public bool Has(int eventId) => _lines.Any(l => l.Id == eventId);

    public string Text => string.Join("\n", _lines.Select(l => $"[{l.Id}] {l.Text}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((eventId.Id, formatter(state, exception) + (exception is null ? "" : " " + exception)));
}
