using System.ComponentModel.DataAnnotations;

namespace Communique.Data;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    [Required]
    public string DataDirectory { get; set; } = "data";
}
