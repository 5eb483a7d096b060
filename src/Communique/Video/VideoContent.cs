using System.Text.Json.Serialization;

namespace Communique.Video;

// A video communication's content: a frame size and rate, scenes played one after the other, an audio track under
// them all, and call-to-action buttons. Times are in seconds; a layer's are from the start of its scene, a button's
// from the start of the video. Positions and sizes are in pixels of the frame.
public sealed record VideoContent(
    int Width = 1280,
    int Height = 720,
    int FrameRate = 30,
    IReadOnlyList<VideoScene>? Scenes = null,
    VideoAudio? Audio = null,
    bool Captions = true,
    IReadOnlyList<VideoCta>? Ctas = null);

// A background is one of a colour, an image (with an optional slow zoom to Zoom times its size over the scene) or a
// video clip (looped when shorter than the scene, muted unless Sound).
public sealed record VideoScene(
    double Duration,
    VideoBackground? Background = null,
    IReadOnlyList<VideoLayer>? Layers = null,
    VideoAudio? Audio = null);

public sealed record VideoBackground(
    string? Colour = null,
    string? Image = null,
    double Zoom = 1,
    string? Video = null,
    bool Sound = false);

// A layer is text (a Liquid template), an image (an asset, or the URL in a field of the record) or a shape
// (a rectangle or an ellipse). Nulls take the defaults of VideoContents.
public sealed record VideoLayer(
    string Type,
    double X,
    double Y,
    double Width,
    double Height,
    double Start = 0,
    double? End = null,
    string? Text = null,
    string? Font = null,
    bool Bold = false,
    bool Italic = false,
    double? Size = null,
    string? Colour = null,
    string? Align = null,
    string? Image = null,
    string? Field = null,
    string? Fit = null,
    string? Shape = null,
    double Radius = 0,
    double Opacity = 1,
    [property: JsonPropertyName("in")] VideoMotion? In = null,
    VideoMotion? Out = null);

// How a layer comes in or goes out: fade, or a slide from (or to) a side of the frame, combined with a fade.
public sealed record VideoMotion(string Effect, double Duration = 0.5);

public sealed record VideoAudio(string Asset, double Volume = 1);

// A button over the video from Start to the end: its label and URL are Liquid templates.
public sealed record VideoCta(
    string Label,
    string Url,
    double Start,
    double X,
    double Y,
    double Width,
    double Height,
    string? Colour = null,
    string? TextColour = null);
