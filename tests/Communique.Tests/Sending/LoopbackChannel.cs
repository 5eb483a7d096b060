using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Communique.Campaigns;
using Communique.Sending;

namespace Communique.Tests.Sending;

// A channel that exists only in the tests: a renderer that writes the address and the content's body (its
// {{ first_name }} filled in) as a small payload, and an in-memory transport that refuses addresses starting with
// "refused" for good and answers "busy" ones with a temporary failure the first time. Registered with AddChannel
// alone: nothing else in the application knows about it.
public sealed class LoopbackRenderer : IChannelRenderer
{
    public Task<(PreparedSend? Prepared, string? Failure)> PrepareAsync(
        CampaignSend send, RecordShape shape, CancellationToken cancellationToken)
    {
        using var content = JsonDocument.Parse(send.Content);
        // The body, or the text of the first layer of a video's first scene.
        var root = content.RootElement;
        var body = root.TryGetProperty("body", out var value) ? value.GetString() ?? ""
            : root.TryGetProperty("scenes", out var scenes)
                ? scenes[0].GetProperty("layers")[0].GetProperty("text").GetString() ?? ""
                : "";
        return Task.FromResult<(PreparedSend?, string?)>((new Prepared(send, body), null));
    }

    public ValueTask<RenderedMessage> RenderAsync(
        PreparedSend prepared, OutboundMessage message, Dictionary<string, object?> record,
        CancellationToken cancellationToken)
    {
        var name = Convert.ToString(record.GetValueOrDefault("first_name"), CultureInfo.InvariantCulture);
        if (string.IsNullOrEmpty(name))
        {
            return ValueTask.FromResult(RenderedMessage.Failed("not rendered: no first_name"));
        }

        var text = ((Prepared)prepared).Body.Replace("{{ first_name }}", name, StringComparison.Ordinal);
        var payload = new LoopbackMessage(Encoding.UTF8.GetBytes($"{message.Address}\n{text}"));
        return ValueTask.FromResult(RenderedMessage.Made(payload, $"loop-{message.Id:N}"));
    }

    private sealed class Prepared(CampaignSend send, string body) : PreparedSend(send)
    {
        public string Body => body;
        public override string Category => "loopback";
    }
}

public sealed class LoopbackMessage(byte[] bytes) : OutgoingMessage
{
    public override ReadOnlyMemory<byte> Bytes() => bytes;
}

public sealed class LoopbackTransport : IChannelTransport
{
    private readonly ConcurrentDictionary<string, int> _tries = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Address, byte[] Bytes)> Delivered { get; } = [];

    public int Parallelism => 2;

    public async Task<DeliveryResult> HandOverAsync(
        OutboundMessage message, OutgoingMessage outgoing, HandOverGate gate, CancellationToken cancellationToken)
    {
        var tries = _tries.AddOrUpdate(message.Address, 1, (_, n) => n + 1);
        if (message.Address.StartsWith("refused", StringComparison.Ordinal))
        {
            return new DeliveryResult(DeliveryOutcome.PermanentFailure, "refused for good");
        }

        if (message.Address.StartsWith("busy", StringComparison.Ordinal) && tries == 1)
        {
            return new DeliveryResult(DeliveryOutcome.TemporaryFailure, "busy, try later");
        }

        await gate.PassAsync(cancellationToken);
        Delivered.Enqueue((message.Address, outgoing.Bytes().ToArray()));
        return DeliveryResult.Accepted("taken");
    }
}

// An archive that keeps what it is given, to compare with what the transport received.
public sealed class KeptMessages : IMessageArchive
{
    public ConcurrentQueue<(ArchivedMessage Ids, byte[] Bytes)> Kept { get; } = [];

    public bool Keeps => true;

    public ValueTask<bool> KeepsAsync(
        Guid teamId, Communique.Communications.Channel channel, CancellationToken cancellationToken) =>
        ValueTask.FromResult(true);

    public Task KeepAsync(ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        Kept.Enqueue((message, bytes.ToArray()));
        return Task.CompletedTask;
    }
}
