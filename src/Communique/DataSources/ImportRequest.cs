namespace Communique.DataSources;

public sealed record ImportRequest(Guid DataSourceId, string BlobHash, ImportMode Mode);
