namespace Communique.Assets;

public sealed class AssetOptions
{
    public const string Section = "Assets";

    [System.ComponentModel.DataAnnotations.Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    // SVG is parsed and sanitised in memory, so it has a tighter limit of its own.
    [System.ComponentModel.DataAnnotations.Range(1, 64L * 1024 * 1024)]
    public long MaxSvgBytes { get; set; } = 2L * 1024 * 1024;
}
