using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.RegularExpressions;

namespace Communique.Video;

// Renders (how many at once, how fast), the images records point at, how the player may be embedded, and how much
// one viewer may send.
public sealed partial class VideoOptions : IValidatableObject
{
    public const string Section = "Video";

    // Renders running at once in this process; each ffmpeg uses every core, so more only share them.
    [Range(1, 64)]
    public int MaxConcurrentRenders { get; set; } = 1;

    // A render that runs longer is stopped (its ffmpeg killed) and failed.
    [Range(5, 3600)]
    public int RenderTimeoutSeconds { get; set; } = 300;

    // x264's speed against size: a campaign's renders are many, so the fast presets pay.
    [RegularExpression("^(ultrafast|superfast|veryfast|faster|fast|medium)$")]
    public string Preset { get; set; } = "veryfast";

    [MaxLength(500)]
    public string Ffmpeg { get; set; } = "ffmpeg";

    // Networks that an image URL of a record may be on beside the public internet (CIDRs separated by spaces); none
    // by default: the URL is a record's field, and this server fetches it.
    [MaxLength(2000)]
    public string AllowedNetworks { get; set; } = "";

    // How long a request for a record's MP4 waits for its render before answering 503 with Retry-After.
    [Range(0, 120)]
    public int DownloadWaitSeconds { get; set; } = 30;

    [Range(1, 120)]
    public int ImageTimeoutSeconds { get; set; } = 10;

    // How long a recipient's browser or mail client may keep a poster.
    [Range(0, 31_536_000)]
    public int PosterMaxAgeSeconds { get; set; } = 86_400;

    public IReadOnlyList<IPNetwork> Networks() =>
        [.. AllowedNetworks.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IPNetwork.Parse)];

    public bool HasValidNetworks() =>
        AllowedNetworks.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(n => IPNetwork.TryParse(n, out _));

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
