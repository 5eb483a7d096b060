namespace Communique.Assets;

public sealed class AssetOptions
{
    public const string Section = "Assets";

    [System.ComponentModel.DataAnnotations.Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    // SVG is parsed and sanitised in memory, so it has a tighter limit of its own.
    [System.ComponentModel.DataAnnotations.Range(1, 64L * 1024 * 1024)]
    public long MaxSvgBytes { get; set; } = 2L * 1024 * 1024;

    // Video and audio are larger than other files, and are written whole to a temporary file and probed before they
    // are stored.
    [System.ComponentModel.DataAnnotations.Range(1, 8L * 1024 * 1024 * 1024)]
    public long MaxMediaBytes { get; set; } = 200L * 1024 * 1024;

    [System.ComponentModel.DataAnnotations.Range(1, 24 * 60 * 60)]
    public int MaxMediaSeconds { get; set; } = 300;

    // Where video and audio uploads wait while they are probed; unset, the system's temporary folder (TMPDIR).
    public string? MediaTempDirectory { get; set; }

    public string MediaTempFolder => string.IsNullOrWhiteSpace(MediaTempDirectory)
        ? Path.GetTempPath() : Path.GetFullPath(MediaTempDirectory);
}
