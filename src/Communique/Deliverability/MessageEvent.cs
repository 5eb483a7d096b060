using Communique.Tenancy;

namespace Communique.Deliverability;

// Something a recipient (or a machine acting for one) did with a message. Machine opens — a mail-privacy proxy
// fetching every image of a message on delivery, a security scanner — are kept but flagged, and left out of human
// open counts.
public sealed class MessageEvent : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid SendId { get; set; }
    public Guid MessageId { get; set; }
    public EventKind Kind { get; set; }
    public DateTime At { get; set; }
    public DeviceClass? Device { get; set; }
    public bool Machine { get; set; }
    public string? Url { get; set; }
    public string? Detail { get; set; }
}
