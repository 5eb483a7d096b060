using Communique.Communications;

namespace Communique.Sending;

// The ids an archived message is kept under.
public sealed record ArchivedMessage(Guid TeamId, Guid SendId, Guid MessageId, Channel Channel);
