namespace Communique.Http;

public enum UploadFailure
{
    None,
    NotMultipart,
    NoFile,
    TooLarge,
    FileName,
    FieldTooLong,
}
