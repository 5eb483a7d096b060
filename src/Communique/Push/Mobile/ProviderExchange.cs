using System.Net.Http.Headers;
using System.Text;

namespace Communique.Push.Mobile;

// One request to a push provider and what came back: the status, the headers and at most 16 KB of the body (a
// provider's error is a small JSON document; anything longer is not read, whatever the HttpClient allows). When no
// answer came (a timeout, a connection refused or lost) Unreached says so as a Retry; the caller's own cancellation
// is not an answer and propagates.
internal sealed record ProviderExchange(int Status, HttpResponseHeaders? Headers, string Body, PushAnswer? Unreached)
{
    public const int MaxBodyBytes = 16 * 1024;

    public static async Task<ProviderExchange> SendAsync(
        HttpClient http, HttpRequestMessage request, string service, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(
                request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadAsync(response.Content, cancellationToken);
            return new ProviderExchange((int)response.StatusCode, response.Headers, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(new PushAnswer(PushVerdict.Retry, $"{service} did not answer in time."));
        }
        catch (HttpRequestException e)
        {
            // The outer message of a TLS failure only says to see the inner one.
            var why = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            return Failed(new PushAnswer(PushVerdict.Retry,
                $"{service} could not be reached ({e.HttpRequestError}): {why}"));
        }
        catch (IOException e)
        {
            return Failed(new PushAnswer(PushVerdict.Retry, $"{service}'s answer was cut off: {e.Message}"));
        }
    }

    // The wait a 429 or 5xx asked for, as seconds or as a date on the given clock; never negative.
    public TimeSpan? RetryAfter(TimeProvider clock)
    {
        var retryAfter = Headers?.RetryAfter;
        var wait = retryAfter?.Delta ?? (retryAfter?.Date - clock.GetUtcNow());
        return wait is null ? null : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    // A provider's own words for a reply line: one line, not too long, and without the device token should the
    // provider have echoed it.
    public static string Quote(string? text, string deviceToken)
    {
        const int MaxChars = 300;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (deviceToken.Length > 0)
        {
            line = line.Replace(deviceToken, "(the device token)", StringComparison.Ordinal);
        }

        return line.Length <= MaxChars ? line : line[..MaxChars] + "…";
    }

    private static ProviderExchange Failed(PushAnswer answer) => new(0, null, "", answer);

    private static async Task<string> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBodyBytes];
        var filled = 0;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, filled);
    }
}
