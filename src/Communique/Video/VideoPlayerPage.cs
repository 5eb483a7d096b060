using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Communique.Video;

// The player page of one record: a real <video> with controls and captions over which player.js draws the record's
// plan, carried in the page (so the first frame needs no second request), and a link over each button. Everything
// the page loads is on this origin.
public static class VideoPlayerPage
{
    // What player.js reads from the page: where things are and what to draw.
    public sealed record Manifest(string Key, Guid Uuid, string Token, int MaxEventsPerPost, VideoPlan Plan);

    public static string Html(VideoView view, Guid uuid, string token)
    {
        ArgumentNullException.ThrowIfNull(view);
        var key = view.Link.Key;
        var basePath = $"/v/{key}/{uuid}";
        var lang = Language(view.Record.Locale);
        var html = HtmlEncoder.Default;
        // The serializer escapes <, > and & in strings, so nothing in the plan can close the script element.
        var manifest = JsonSerializer.Serialize(
            new Manifest(key, uuid, token, VideoPlayerApi.MaxEventsPerPost, view.Plan), VideoContents.Json);
        return $"""
            <!doctype html>
            <html lang="{html.Encode(lang)}"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>Your video</title>
            <link rel="stylesheet" href="/player/player.css">
            </head>
            <body><main>
            <h1 class="sr-only">Your video</h1>
            <div class="stage" id="stage">
            <video id="video" controls playsinline preload="auto" poster="{basePath}/poster.jpg"
             src="/v/{key}/background.mp4" aria-describedby="status">
            <track kind="captions" src="{basePath}/captions.vtt" srclang="{html.Encode(lang)}" label="Captions" default>
            </video>
            <canvas id="layers" width="{view.Plan.Width}" height="{view.Plan.Height}" aria-hidden="true"></canvas>
            <div id="ctas" class="ctas"></div>
            </div>
            <p id="status" class="status" role="status" aria-live="polite"></p>
            <p class="download"><a href="{basePath}?download">Download the video</a></p>
            </main>
            <script type="application/json" id="manifest">{manifest}</script>
            <script src="/player/player.js" defer></script>
            </body></html>
            """;
    }

    // The record's language (from its locale, "en-GB" -> "en"), for the page and the captions.
    private static string Language(string? locale)
    {
        try
        {
            var name = locale is null ? "" : CultureInfo.GetCultureInfo(locale).TwoLetterISOLanguageName;
            return name is "" or "iv" ? "en" : name;
        }
        catch (CultureNotFoundException)
        {
            return "en";
        }
    }
}
