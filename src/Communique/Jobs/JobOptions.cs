using System.ComponentModel.DataAnnotations;

namespace Communique.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    [Range(1, 64)]
    public int Concurrency { get; set; } = 2;

    [Range(0.01, 60)]
    public double PollSeconds { get; set; } = 1;

    // A claimed job whose worker stops heartbeating is claimed again after this long.
    [Range(1, 3600)]
    public double LeaseSeconds { get; set; } = 30;

    [Range(0.01, 3600)]
    public double RetryBaseSeconds { get; set; } = 5;

    [Range(1, 86_400)]
    public double RetryMaxSeconds { get; set; } = 3600;
}
