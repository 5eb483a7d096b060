using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Nlu;

public sealed record IntentRequest(
    [MaxLength(200), SingleLine] string? Name,
    [MaxLength(NluRules.MaxUtterancesPerIntent)] IReadOnlyList<Utterance>? Utterances);
