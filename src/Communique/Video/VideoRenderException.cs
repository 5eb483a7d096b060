namespace Communique.Video;

// A render that could not be made, with a reason fit to show to the team (ffmpeg's, without the server's paths).
public sealed class VideoRenderException(string message) : Exception(message);
