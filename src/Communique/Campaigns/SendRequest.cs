using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Campaigns;

public sealed record SendRequest(
    [Required(ErrorMessage = "The email communication to send.")] Guid? CommunicationId,
    [Required(ErrorMessage = "The data source whose records receive it.")] Guid? DataSourceId,
    [Required(ErrorMessage = "The data source field that holds each recipient's email address."), MaxLength(200)]
    string? AddressField,
    [Required(ErrorMessage = "A verified sender address of the team."), MaxLength(320)] string? Sender,
    [MaxLength(200), SingleLine] string? SenderName,
    [MaxLength(320), Mailbox] string? ReplyTo,
    [MaxLength(1000), SingleLine] string? Subject,
    [Future(ErrorMessage = "A time in the future (UTC), or none to send now.")] DateTime? ScheduleAt,
    bool? Tracking);
