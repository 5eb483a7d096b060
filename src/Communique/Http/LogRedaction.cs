using System.Collections;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Communique.Http;

// The tokens that links in mail carry — the tracking pixel and click redirect (/public/t/o|c/{token}), unsubscribe
// (/public/unsubscribe/{token}) and sender verification (?token=…) — act for the recipient, so they never reach a
// log. ASP.NET's hosting logs each request's path and query before any middleware runs, and scopes carry the path
// too, so the redaction sits in the logger factory itself: every message, every structured value and every scope of
// every logger, whichever provider writes it, has those tokens replaced. Lines without them pass through unchanged.
public static partial class LogRedaction
{
    public const string Marker = "[redacted]";

    public static ILoggingBuilder AddTokenRedaction(this ILoggingBuilder logging)
    {
        logging.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()))));
        return logging;
    }

    public static string Redact(string text) =>
        text.Contains("/public/", StringComparison.OrdinalIgnoreCase)
        || text.Contains("token=", StringComparison.OrdinalIgnoreCase)
            ? QueryToken().Replace(PathToken().Replace(text, Marker), Marker)
            : text;

    [GeneratedRegex(
        @"(?<=/public/(?:t/[oc]|unsubscribe)/)[^/?#\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PathToken();

    [GeneratedRegex(@"(?<=[?&]token=)[^&#\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QueryToken();

    private static bool NeedsRedaction(object? value) => value switch
    {
        null => false,
        string text => !ReferenceEquals(Redact(text), text),
        PathString or QueryString or Uri => NeedsRedaction(value.ToString()),
        _ => false,
    };

    // The state or scope with its text and values redacted, or null when none of them carries a token.
    private static RedactedValues? Redacted(object? state, string? text)
    {
        var pairs = state as IEnumerable<KeyValuePair<string, object?>>;
        if (!(text is not null && NeedsRedaction(text)) && !(pairs?.Any(p => NeedsRedaction(p.Value)) ?? false))
        {
            return null;
        }

        var values = pairs?.Select(p => NeedsRedaction(p.Value)
            ? new KeyValuePair<string, object?>(p.Key, Redact(p.Value!.ToString()!))
            : p).ToList() ?? [];
        return new RedactedValues(Redact(text ?? state?.ToString() ?? ""), values);
    }

    private sealed class RedactedValues(string text, List<KeyValuePair<string, object?>> values)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }

    private sealed class RedactingLoggerFactory(LoggerFactory inner) : ILoggerFactory
    {
        private readonly ConcurrentDictionary<string, RedactingLogger> _loggers = new(StringComparer.Ordinal);

        public ILogger CreateLogger(string categoryName) =>
            _loggers.GetOrAdd(
                categoryName, static (name, factory) => new RedactingLogger(factory.CreateLogger(name)), inner);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            Redacted(state, state as string) is { } redacted ? inner.BeginScope(redacted) : inner.BeginScope(state);

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            if (Redacted(state, formatter(state, exception)) is { } redacted)
            {
                inner.Log(logLevel, eventId, redacted, exception, static (s, _) => s.ToString());
            }
            else
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
