using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Assets;

// Rename and/or move. A null ParentId/FolderId with MoveToRoot true moves to the root.
public sealed record UpdateFolderRequest(
    [MinLength(1), MaxLength(200), SingleLine] string? Name, Guid? ParentId, bool MoveToRoot = false);
