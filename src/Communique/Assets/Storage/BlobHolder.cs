namespace Communique.Assets.Storage;

// Every kind of row that keeps a blob's hash. A new kind of holder (a channel's media, a document's output) adds its
// name here and attaches its blobs; deletion needs nothing more.
public enum BlobHolder
{
    Asset,
    DataUpload,
    NluTrainingData,
    NluArtifact,
    DocumentBatch,
    Archive,
    ArchiveExport,
    ChatAttachment,
    VideoRender,
}
