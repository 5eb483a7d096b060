using System.ComponentModel.DataAnnotations;

namespace Communique.Documents;

public sealed class DocumentOptions
{
    public const string Section = "Documents";

    // How long a batch's files can be downloaded after it ends.
    [Range(1, 24 * 366)]
    public int KeepResultsHours { get; set; } = 7 * 24;

    // Records given inline to one batch (more belong in a data source).
    [Range(1, 100_000)]
    public int MaxInlineRecords { get; set; } = 1000;

    // The most records of one batch, whatever their source.
    [Range(1, 10_000_000)]
    public int MaxBatchRecords { get; set; } = 1_000_000;
}
