using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Campaigns;

public sealed record CampaignRequest(
    [Required(ErrorMessage = "The project the campaign belongs to.")] Guid? ProjectId,
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name);
