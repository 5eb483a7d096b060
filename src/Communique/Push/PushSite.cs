using Communique.Tenancy;

namespace Communique.Push;

// A website whose visitors subscribe to the team's push messages: the key its pages' SDK tag carries (public, in
// every page's source, so it only registers subscriptions) and the origins those pages are on.
public sealed class PushSite : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }

    // Origins (scheme://host[:port]) whose pages may register subscriptions, separated by spaces; empty: any page.
    public string AllowedOrigins { get; set; } = "";

    // A site that verifies its users: a page registers a subscription for a user only with the HMAC-SHA256 of the
    // user's id under this secret, which the site's server computes (the secret never reaches a browser), so that a
    // visitor cannot subscribe as somebody else and receive their messages. Sealed; shown once, when made.
    public byte[]? SealedUserSecret { get; set; }
    public DateTime CreatedAt { get; set; }
}
