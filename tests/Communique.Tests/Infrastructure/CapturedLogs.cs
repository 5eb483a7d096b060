using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Communique.Tests.Infrastructure;

// A log provider that keeps every line the host writes — message, structured values and scopes — to read back.
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static void Append(StringBuilder line, object? state)
    {
        line.Append(state);
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                line.Append(" | ").Append(key).Append('=').Append(value);
            }
        }
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ")
                .Append(formatter(state, exception)).Append(" | ");
            Append(line, state);
            logs._scopes?.ForEachScope((scope, text) => Append(text.Append(" => "), scope), line);
            logs._lines.Enqueue(line.Append(exception).ToString());
        }
    }
}
