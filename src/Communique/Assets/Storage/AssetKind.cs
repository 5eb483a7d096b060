namespace Communique.Assets.Storage;

public enum AssetKind
{
    Image,
    Attachment,
    Font,
    DesignScheme,
    Video,
    Audio,
}
