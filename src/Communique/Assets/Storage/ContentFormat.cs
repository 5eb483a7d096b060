namespace Communique.Assets.Storage;

// What the bytes are, whatever the upload claimed. The last five are never accepted.
public enum ContentFormat
{
    Unknown,
    Png,
    Jpeg,
    Gif,
    WebP,
    Svg,
    TrueType,
    OpenType,
    Woff,
    Woff2,
    Pdf,
    Zip,
    Text,
    Json,
    // The ISO base media file format: MP4, M4A and QuickTime.
    IsoMedia,
    // Matroska and its subset WebM.
    Matroska,
    Ogg,
    Mp3,
    Wav,
    WindowsExecutable,
    LinuxExecutable,
    MacExecutable,
    Script,
    Html,
}
