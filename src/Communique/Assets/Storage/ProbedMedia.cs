namespace Communique.Assets.Storage;

// What ffprobe found in a media file. The picture and frame rate are the first video stream's; the codec lists name
// every audio and video stream, but not cover art (a picture attached to a song is no video).
public sealed record ProbedMedia(
    TimeSpan Duration, int? Width, int? Height, double? FrameRate, IReadOnlyList<string> VideoCodecs,
    IReadOnlyList<string> AudioCodecs);
