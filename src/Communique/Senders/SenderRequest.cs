using System.ComponentModel.DataAnnotations;

namespace Communique.Senders;

public sealed record SenderRequest([Required, MaxLength(320)] string? Address);
