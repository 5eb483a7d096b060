using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Nlu;

public sealed record EntityValueDto(
    [MaxLength(NluRules.MaxTextLength)] string Value,
    [MaxLength(1000), EachMaxLength(NluRules.MaxTextLength)] IReadOnlyList<string>? Synonyms);
