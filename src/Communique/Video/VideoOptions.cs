using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Communique.Video;

// How the player may be embedded and how much one viewer may send.
public sealed partial class VideoOptions : IValidatableObject
{
    public const string Section = "Video";

    // The pages that may frame the player (the embed code): origins such as https://www.example.com; none listed,
    // any page. (Empty rather than ["*"] by default: configuration adds a list's items to the ones it starts with.)
    public List<string> FrameAncestors { get; set; } = [];

    // Events one opening of the player may post: a whole viewing sends a few dozen.
    [Range(1, 1_000_000)]
    public int EventsPerSession { get; set; } = 300;

    // Event posts from one client address per minute: many viewers may share an address behind a company's NAT.
    [Range(1, 100_000_000)]
    public int PostsPerAddressPerMinute { get; set; } = 6_000;

    // Events accepted but not yet written; beyond it a post is refused (503) until the writer catches up.
    [Range(1_000, 10_000_000)]
    public int EventQueueCapacity { get; set; } = 200_000;

    // Each goes into the player's Content-Security-Policy as it is: a source that is not one would change the policy.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        FrameAncestors.Where(f => !FrameSource().IsMatch(f)).Select(f => new ValidationResult(
            $"Video:FrameAncestors: '{f}' is not *, 'self' or an origin such as https://www.example.com.",
            [nameof(FrameAncestors)]));

    [GeneratedRegex(@"^(\*|'self'|'none'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$")]
    private static partial Regex FrameSource();
}
