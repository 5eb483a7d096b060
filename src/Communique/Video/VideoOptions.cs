using System.ComponentModel.DataAnnotations;

namespace Communique.Video;

// How the player may be embedded and how much one viewer may send.
public sealed class VideoOptions
{
    public const string Section = "Video";

    // The pages that may frame the player (the embed code): origins such as https://www.example.com, or "*" for any.
    [MinLength(1)]
    public List<string> FrameAncestors { get; set; } = ["*"];

    // Events one opening of the player may post: a whole viewing sends a few dozen.
    [Range(1, 1_000_000)]
    public int EventsPerSession { get; set; } = 300;

    // Event posts from one client address per minute: many viewers may share an address behind a company's NAT.
    [Range(1, 100_000_000)]
    public int PostsPerAddressPerMinute { get; set; } = 6_000;

    // Events accepted but not yet written; beyond it a post is refused (503) until the writer catches up.
    [Range(1_000, 10_000_000)]
    public int EventQueueCapacity { get; set; } = 200_000;
}
