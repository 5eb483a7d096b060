using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Assets;

public sealed record UpdateAssetRequest(
    [MinLength(1), MaxLength(200), SingleLine] string? Name, Guid? FolderId, bool MoveToRoot = false);
