using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Communique.Chat.Sms;

// The account a message is sent with; the token is only ever in memory for the call.
public sealed record TwilioAccount(string AccountSid, string AuthToken, string From);

// What Twilio made of a message: its SID when accepted, else its error code (21211 invalid number, 21610 the
// recipient replied STOP, …) and message, or our own reason when no answer came.
public sealed record TwilioAnswer(bool Sent, string? Sid, int Status, int? Code, string? Message);

// Twilio's Messages API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json with HTTP Basic auth and the form fields
// To, From and Body. A 4xx answer is final; 429, 5xx and a connection that cannot be made are tried again after a
// doubling wait, within SmsOptions.Attempts. A timeout or a connection lost mid-exchange is not tried again: Twilio
// may have accepted the message, and a person would get it twice. The base URL is the operator's, not a user's, so
// it is not held to OutboundHttp's checks.
public sealed class TwilioMessages : IDisposable
{
    // Twilio splits a longer text into segments itself and refuses a body above this.
    public const int MaxBodyChars = 1600;
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly SmsOptions _options;
    private readonly TimeProvider _clock;

    public TwilioMessages(IOptions<SmsOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = new Uri(_options.TwilioBaseUrl.TrimEnd('/') + "/"),
            MaxResponseContentBufferSize = MaxAnswerBytes,
            // Each try has its own timeout, on the injected clock.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<TwilioAnswer> SendAsync(
        TwilioAccount account, string to, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var (answer, again) = await TryAsync(account, to, Capped(body), cancellationToken);
            if (!again || attempt >= _options.Attempts)
            {
                return answer;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _clock, cancellationToken);
            }

            delay *= 2;
        }
    }

    private async Task<(TwilioAnswer Answer, bool Again)> TryAsync(
        TwilioAccount account, string to, string body, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var path = $"2010-04-01/Accounts/{Uri.EscapeDataString(account.AccountSid)}/Messages.json";
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(
                [new("To", to), new("From", account.From), new("Body", body)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.AccountSid}:{account.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            var (sid, code, message) = Read(text);
            if (response.IsSuccessStatusCode)
            {
                return (new TwilioAnswer(true, sid, status, null, null), false);
            }

            var again = response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500;
            return (new TwilioAnswer(false, null, status, code, message ?? response.ReasonPhrase), again);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            return (new TwilioAnswer(false, null, 0, null,
                $"Twilio did not answer within {_options.RequestTimeout.TotalSeconds:0} seconds."), false);
        }
        catch (HttpRequestException e)
        {
            // Only a request that never left is sure not to have been taken.
            var unsent = e.HttpRequestError is HttpRequestError.NameResolutionError
                or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError;
            return (new TwilioAnswer(false, null, 0, null, $"Twilio could not be reached: {e.Message}"), unsent);
        }
    }

    // Twilio's JSON: a Message resource ({"sid": "SM…", …}) or an error ({"code": 21211, "message": …}).
    private static (string? Sid, int? Code, string? Message) Read(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            string? sid = root.TryGetProperty("sid", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()
                : null;
            int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number
                && c.TryGetInt32(out var n) ? n : null;
            string? message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()
                : null;
            return (sid, code, message);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    // Cut at the limit, never between the two halves of a character outside the BMP (an emoji).
    private static string Capped(string body)
    {
        if (body.Length <= MaxBodyChars)
        {
            return body;
        }

        var end = char.IsHighSurrogate(body[MaxBodyChars - 1]) ? MaxBodyChars - 1 : MaxBodyChars;
        return body[..end];
    }

    public void Dispose() => _http.Dispose();
}
