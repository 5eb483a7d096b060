using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

// Names and other one-line texts end up in lists, file names and mail headers (an asset's name becomes an attachment's
// file name): control characters (NUL, CR, LF, tab ...), the Unicode line and paragraph separators, the bidirectional
// controls that show text in another order than it is stored (U+202E), and unpaired surrogates are refused. Other
// invisible format characters stay allowed: the joiners are part of how some scripts and emoji are written.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class SingleLineAttribute() : ValidationAttribute(SingleLine.Rule)
{
    public override bool IsValid(object? value) => value is not string text || SingleLine.Allows(text);
}
