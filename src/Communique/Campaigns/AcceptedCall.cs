namespace Communique.Campaigns;

// A transactional call that passed its checks, as the rows that store it (each stamped with the call's team). The
// intake writes it together with the calls waiting beside it, then completes Stored.
public sealed class AcceptedCall(
    Campaign? newCampaign, CampaignSend send, IReadOnlyList<OutboundMessage> messages, SendStats stats,
    IdempotentRequest? idempotency, CancellationToken cancellation)
{
    // The campaign to create when the call names one the project does not have yet; Send.CampaignId is set to it, or
    // to the one a concurrent call created first, when the call is written.
    public Campaign? NewCampaign { get; } = newCampaign;
    public CampaignSend Send { get; } = send;
    public IReadOnlyList<OutboundMessage> Messages { get; } = messages;
    public SendStats Stats { get; } = stats;
    public IdempotentRequest? Idempotency { get; } = idempotency;

    // The caller's request: a call whose client left before its group is written is not written.
    public CancellationToken Cancellation { get; } = cancellation;

    // True once committed; false when a unique index refused its rows (another call used its Idempotency-Key).
    internal TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
