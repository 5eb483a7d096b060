using Communique.Tenancy;

namespace Communique.Chat;

// A web chat widget of a bot: the key in the page's script tag, and how the widget looks. Anyone may read the key
// in a page's source, so it only opens conversations with its bot; each conversation then has its own token.
public sealed class ChatWidget : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid BotId { get; set; }
    public required string Key { get; set; }
    public required string Title { get; set; }
    public required string Colour { get; set; }
    public string? AvatarUrl { get; set; }

    // Origins (scheme://host[:port]) whose pages may use the widget, separated by spaces; empty: any page.
    public string AllowedOrigins { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
