namespace Communique.Documents;

// What a batch job runs, fixed when it is asked for: the communication's version, the records' source and the
// output. Inline records are kept as their JSON.
public sealed record BatchJobPayload(
    Guid CommunicationId,
    int Version,
    Guid? DataSourceId,
    int Generation,
    IReadOnlyList<Guid>? Uuids,
    IReadOnlyDictionary<string, string>? Where,
    string? RecordsJson,
    string? Locale,
    BatchOutput Output,
    bool Duplex,
    bool CropMarks,
    bool PageCodes,
    bool IgnoreMissingFields);
