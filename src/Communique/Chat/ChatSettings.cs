using System.Net;
using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat;

// A team's chat settings: the private networks its bots' REST calls may reach (none unless an administrator allows
// some, e.g. the company's own 10.20.0.0/16).
public sealed class ChatSettings : ITeamOwned
{
    public const int MaxNetworks = 20;

    public Guid TeamId { get; set; }

    // CIDR blocks separated by spaces.
    public string AllowedNetworks { get; set; } = "";
    public DateTime UpdatedAt { get; set; }

    public static async Task<IReadOnlyList<IPNetwork>> AllowedNetworksAsync(AppDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var networks = await db.ChatSettings.AsNoTracking().Select(s => s.AllowedNetworks).FirstOrDefaultAsync(ct);
        return string.IsNullOrEmpty(networks)
            ? []
            : [.. networks.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => IPNetwork.Parse(n))];
    }
}
