using Communique.Tenancy;

namespace Communique.Push;

// Where one device of one user receives push messages: a browser's push service endpoint with its encryption keys
// (Web Push), or an app's device token (FCM, APNs; Endpoint holds the token). UserId is the customer's own id for
// the person, which transactional sends and data sources name; Attributes (a JSON object of short strings) are what
// segments select by, kept beside it as PushAttribute rows.
public sealed class PushSubscription : ITeamOwned
{
    public const int MaxEndpointLength = 2000;
    public const int MaxUserIdLength = 200;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid? SiteId { get; set; }
    public PushPlatform Platform { get; set; }
    public required string Endpoint { get; set; }
    public string? P256dh { get; set; }
    public string? Auth { get; set; }
    public required string UserId { get; set; }
    public string Attributes { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
