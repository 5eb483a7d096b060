namespace Communique.Documents;

// A finished batch, kept as its job's result: counts, the records that failed and why (the first 1,000), the files
// made and until when they can be downloaded.
public sealed record BatchResult(
    int Records, int Made, int Failed, IReadOnlyList<BatchFailure> Failures, IReadOnlyList<BatchFile> Files,
    DateTime ExpiresAt);
