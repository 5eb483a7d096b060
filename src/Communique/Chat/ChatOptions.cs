using System.ComponentModel.DataAnnotations;

namespace Communique.Chat;

public sealed class ChatOptions
{
    public const string Section = "Chat";

    // A user's or an agent's message.
    [Range(1, 100_000)]
    public int MaxMessageChars { get; set; } = 4000;

    // Interactions one turn may run before it stops: a link between bots can make a loop the save check cannot see.
    [Range(1, 10_000)]
    public int MaxStepsPerTurn { get; set; } = 100;

    // A REST call's response body.
    [Range(1, 16 * 1024 * 1024)]
    public int MaxRestResponseBytes { get; set; } = 256 * 1024;

    // A conversation ends after this long without a message (or sooner when its bot says so).
    public TimeSpan Silence { get; set; } = TimeSpan.FromHours(24);

    // A file a user or an agent sends in a conversation; it can be downloaded for AttachmentLifetime.
    [Range(1, 1024 * 1024 * 1024)]
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    public TimeSpan AttachmentLifetime { get; set; } = TimeSpan.FromHours(24);

    // Compiled flows kept in memory, by bot version.
    [Range(1, 1_000_000)]
    public int CachedFlows { get; set; } = 2000;
}
