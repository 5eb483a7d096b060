using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Accounts;

public sealed record RenameTeamRequest([Required, MinLength(1), MaxLength(200), SingleLine] string? Name);
