using System.Globalization;
using Communique.Rendering;

namespace Communique.Email.Compose;

// What a send's messages get from one maker of per-recipient parts. Called for many messages at once; no database.
public interface IRecipientParts
{
    // The parts for one record, or why they cannot be made (the message then fails, the send goes on).
    ValueTask<(IReadOnlyList<MailAttachment> Parts, string? Failure)> ForAsync(
        IReadOnlyDictionary<string, object?> record, CultureInfo culture,
        IReadOnlyDictionary<string, FieldFormat> formats, bool ignoreMissingFields,
        CancellationToken cancellationToken);
}
