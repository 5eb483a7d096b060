using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

public sealed class RequestLimitOptions
{
    public const string Section = "Http";

    // The largest JSON request body an endpoint reads, unless it states a limit of its own (WithBodyLimit).
    [Range(16 * 1024, 256L * 1024 * 1024)]
    public long MaxJsonBodyBytes { get; set; } = 4 * 1024 * 1024;
}
