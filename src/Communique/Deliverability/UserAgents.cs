namespace Communique.Deliverability;

// What the User-Agent of a tracking request says about the reader's device and whether a person is behind it.
public static class UserAgents
{
    // Fetchers that load a message's images without a person reading it: Apple Mail Privacy Protection (its proxies
    // send a bare "Mozilla/5.0" with no platform), Gmail's and Yahoo's image proxies (they fetch once per message, so
    // an open is real but the device is theirs), and link scanners.
    private static readonly string[] Machines =
    [
        "GoogleImageProxy", "YahooMailProxy", "Barracuda", "Mimecast", "Proofpoint", "bot", "crawler", "spider",
            "preview",
        "curl/", "python-requests", "Go-http-client", "Java/", "okhttp", "HeadlessChrome",
    ];

    public static (DeviceClass Device, bool Machine) Classify(string? userAgent, EventKind kind)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return (DeviceClass.Other, true);
        }

        var ua = userAgent.AsSpan();
        // Gmail's proxy fetches the pixel when a person opens the message: counted as human, device unknown.
        if (ua.Contains("GoogleImageProxy", StringComparison.OrdinalIgnoreCase))
        {
            return (DeviceClass.Other, kind != EventKind.Open);
        }

        var machine = userAgent.Trim() == "Mozilla/5.0"
            || Machines.Any(m => userAgent.Contains(m, StringComparison.OrdinalIgnoreCase));
        DeviceClass device;
        if (ua.Contains("iPad", StringComparison.Ordinal) || ua.Contains("Tablet", StringComparison.OrdinalIgnoreCase)
            || (ua.Contains("Android", StringComparison.Ordinal) && !ua.Contains("Mobile", StringComparison.Ordinal)))
        {
            device = DeviceClass.Tablet;
        }
        else if (ua.Contains("Mobile", StringComparison.Ordinal) || ua.Contains("iPhone", StringComparison.Ordinal)
                 || ua.Contains("Android", StringComparison.Ordinal))
        {
            device = DeviceClass.Mobile;
        }
        else if (ua.Contains("Windows", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal)
                 || ua.Contains("X11", StringComparison.Ordinal) || ua.Contains("Linux", StringComparison.Ordinal)
                 || ua.Contains("CrOS", StringComparison.Ordinal)
                     || ua.Contains("Outlook", StringComparison.OrdinalIgnoreCase)
                 || ua.Contains("Thunderbird", StringComparison.Ordinal))
        {
            device = DeviceClass.Desktop;
        }
        else
        {
            device = DeviceClass.Other;
        }

        return (device, machine);
    }
}
