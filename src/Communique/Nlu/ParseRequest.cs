using System.ComponentModel.DataAnnotations;

namespace Communique.Nlu;

public sealed record ParseRequest(
    [MaxLength(NluRules.MaxParseLength)] string? Text, [MaxLength(16)] string? Language, int? Top);
