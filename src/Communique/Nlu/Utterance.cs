using System.ComponentModel.DataAnnotations;

namespace Communique.Nlu;

public sealed record Utterance(
    [MaxLength(NluRules.MaxTextLength)] string Text, [MaxLength(16)] string? Language = null);
