using System.Diagnostics.CodeAnalysis;

namespace Communique.Assets.Storage;

// MediaType is what to store and serve the bytes as when accepted: the sniffed format's own type,
// except where the declared one says more (a docx is a ZIP; CSV is text).
public sealed record ContentCheck(ContentFormat Format, string? Refusal, string? MediaType = null)
{
    [MemberNotNullWhen(false, nameof(Refusal))]
    [MemberNotNullWhen(true, nameof(MediaType))]
    public bool Accepted => Refusal is null;
}
