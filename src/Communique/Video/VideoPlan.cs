namespace Communique.Video;

// A video made for one record: what the player draws over the shared background in the browser, and what the
// renderer draws into the frames of a file, so both show the same thing. Times are in seconds from the video's
// start; text is already filled in and laid out (VideoLayout); assets are named by id.
public sealed record VideoPlan(
    int Width,
    int Height,
    int FrameRate,
    double Duration,
    Guid? Audio,
    double Volume,
    IReadOnlyList<VideoPlanScene> Scenes,
    IReadOnlyList<VideoPlanLayer> Layers,
    IReadOnlyList<VideoPlanCaption> Captions,
    IReadOnlyList<VideoPlanCta> Ctas);

public sealed record VideoPlanScene(
    double Start, double Duration, string? Colour, Guid? Image, double Zoom, Guid? Video, bool Sound, Guid? Audio,
    double Volume);

// Type is text, image or shape. A text layer has Font (a VideoFonts key), Size and Lines; an image layer an asset
// (Image) or a URL from the record (Source), and Fit; a shape Shape and Radius.
public sealed record VideoPlanLayer(
    string Type,
    double Start,
    double End,
    double X,
    double Y,
    double Width,
    double Height,
    double Opacity,
    VideoMotion? In,
    VideoMotion? Out,
    string? Colour = null,
    string? Font = null,
    double? Size = null,
    IReadOnlyList<VideoPlanLine>? Lines = null,
    Guid? Image = null,
    string? Source = null,
    string? Fit = null,
    string? Shape = null,
    double Radius = 0);

public sealed record VideoPlanLine(string Text, double X, double Y);

public sealed record VideoPlanCaption(double Start, double End, string Text);

// A button: its label laid out like a text layer's lines.
public sealed record VideoPlanCta(
    string Label,
    string Url,
    double Start,
    double X,
    double Y,
    double Width,
    double Height,
    string Colour,
    string TextColour,
    string Font,
    double Size,
    IReadOnlyList<VideoPlanLine> Lines);
