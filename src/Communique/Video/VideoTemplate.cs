namespace Communique.Video;

// A version of a video communication ready to plan from: its content and the ids of the assets it names.
public sealed record VideoTemplate(
    Guid TeamId, Guid CommunicationId, int Version, VideoContent Content, IReadOnlyDictionary<string, Guid> Assets);
