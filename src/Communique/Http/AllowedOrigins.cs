namespace Communique.Http;

// The origins (scheme://host[:port]) whose pages may use a public key of the team's (a chat widget's, a push site's),
// kept separated by spaces; none: any page.
public static class AllowedOrigins
{
    public const int Max = 20;

    // The origins as stored, or the problem naming the first that is not one.
    public static bool TryJoin(IEnumerable<string>? given, out string joined, out string? problem)
    {
        var origins = new List<string>();
        foreach (var origin in given ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
                || uri.PathAndQuery != "/" || origins.Count == Max)
            {
                (joined, problem) = ("", $"'{origin}' is not an origin like https://shop.example (at most {Max}).");
                return false;
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        (joined, problem) = (string.Join(' ', origins), null);
        return true;
    }

    // A request without an Origin (not from a page's script) is let through: the key is public anyway.
    public static bool Allow(string allowed, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(request);
        var origin = request.Headers.Origin.FirstOrDefault();
        return string.IsNullOrEmpty(allowed) || string.IsNullOrEmpty(origin)
            || allowed.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}
