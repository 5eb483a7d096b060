using Communique.Campaigns;
using Communique.DataSources;

namespace Communique.Sending;

// How a channel turns a bulk send's audience into message rows, when it is not one message per data source record
// addressed by a field (push: one per subscription of each user, or every subscription of a segment). Resumable: the
// rows and the send's cursor (Expanded) commit together, so a crash between batches resumes after the last one.
public interface ISendExpansion
{
    Task ExpandAsync(CampaignSend send, IReadOnlyList<FieldSchema> schema, CancellationToken cancellationToken);
}
