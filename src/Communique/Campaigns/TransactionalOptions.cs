namespace Communique.Campaigns;

public sealed class TransactionalOptions
{
    public const string Section = "Transactional";

    // Records one call may carry; larger sets are refused with 413 (import them as a data source instead).
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int MaxRecords { get; set; } = 1000;

    // How long one call may spend rendering its records (each is rendered once to check it); longer is refused with
    // 422. A thousand records of an ordinary template take a fraction of it.
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int RenderSeconds { get; set; } = 2;
}
