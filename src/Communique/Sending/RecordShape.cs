using Communique.DataSources;

namespace Communique.Sending;

// How a send's records read: the data source's fields and locale; a transactional call's records carry no schema.
public sealed record RecordShape(IReadOnlyList<FieldSchema> Schema, string Locale)
{
    public static readonly RecordShape Inline = new([], "en-US");
}
