namespace Communique.DataSources.Import;

public sealed record InferredField(string Name, FieldType Type, long ValueCount, IReadOnlyList<InferredField>? Items);
