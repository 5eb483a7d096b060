using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Assets;

public sealed record CreateFolderRequest(
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name, Guid? ParentId);
