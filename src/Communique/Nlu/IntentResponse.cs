using System.Text.Json;

namespace Communique.Nlu;

public sealed record IntentResponse(
    Guid Id, string Name, IReadOnlyList<Utterance> Utterances, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static IntentResponse From(NluIntent i) =>
        new(i.Id, i.Name, JsonSerializer.Deserialize<List<Utterance>>(i.Utterances, NluRules.Json)!, i.CreatedAt,
            i.UpdatedAt);
}
