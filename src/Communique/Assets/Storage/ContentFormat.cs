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
    WindowsExecutable,
    LinuxExecutable,
    MacExecutable,
    Script,
    Html,
}
