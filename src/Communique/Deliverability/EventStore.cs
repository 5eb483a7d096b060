using Communique.Data;

namespace Communique.Deliverability;

// Bulk writes of tracking events below EF Core (BulkWriter): the tracking endpoints answer thousands of requests a
// second, and EF's change tracking of each event could not keep up with them.
public static class EventStore
{
    private static readonly BulkTable<MessageEvent> Events = new BulkTable<MessageEvent>("MessageEvents")
        .Uuid("Id", e => e.Id)
        .Uuid("TeamId", e => e.TeamId)
        .Uuid("SendId", e => e.SendId)
        .Uuid("MessageId", e => e.MessageId)
        .Text("Kind", e => e.Kind.ToString())
        .Time("At", e => e.At)
        .Text("Device", e => e.Device?.ToString())
        .Flag("Machine", e => e.Machine)
        .Text("Url", e => e.Url)
        .Text("Detail", e => e.Detail);

    // Inside the caller's transaction.
    public static Task WriteAsync(AppDb db, IReadOnlyList<MessageEvent> events, CancellationToken cancellationToken) =>
        BulkWriter.WriteAsync(db, Events, events, cancellationToken);
}
