using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Communique.Http;

// Reads multipart/form-data uploads without ever buffering a file: either up to the first file part, which is left
// unread for the caller to stream (its fields come first), or the whole form, the file streamed to the caller as it
// arrives and the small fields read wherever they come. A file name must be one line (SingleLine).
public static class MultipartUpload
{
    private const long Overhead = 64 * 1024;
    private const int FieldLength = 1024;

    // fieldChars: when given, the longest form field taken, and a longer one fails the upload (FieldTooLong);
    // otherwise fields are cut to their first characters.
    public static async Task<(UploadPart? Part, UploadFailure Failure)> FirstFileAsync(
        HttpRequest request, long maxBytes, CancellationToken cancellationToken, int? fieldChars = null)
    {
        if (Open(request, maxBytes, out var failure) is not { } reader)
        {
            return (null, failure);
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            switch (await ReadAsync(section, fields, fieldChars, cancellationToken))
            {
                case "":
                    return (null, UploadFailure.FieldTooLong);
                case { } fileName when !SingleLine.Allows(fileName):
                    return (null, UploadFailure.FileName);
                case { } fileName:
                    return (new UploadPart(fields, section, fileName), UploadFailure.None);
            }
        }

        return (null, UploadFailure.NoFile);
    }

    // The first file part goes to storeFile as it arrives; later file parts are skipped.
    public static async Task<(Upload<T>? Upload, UploadFailure Failure)> WholeFormAsync<T>(
        HttpRequest request, long maxBytes, Func<Stream, CancellationToken, Task<T>> storeFile,
        CancellationToken cancellationToken)
    {
        if (Open(request, maxBytes, out var failure) is not { } reader)
        {
            return (null, failure);
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        (string Name, T Stored)? file = null;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (await ReadAsync(section, fields, null, cancellationToken) is not { } fileName || file is not null)
            {
                continue;
            }

            if (!SingleLine.Allows(fileName))
            {
                return (null, UploadFailure.FileName);
            }

            file = (fileName, await storeFile(section.Body, cancellationToken));
        }

        return file is { } stored
            ? (new Upload<T>(fields, stored.Name, stored.Stored), UploadFailure.None)
            : (null, UploadFailure.NoFile);
    }

    private static MultipartReader? Open(HttpRequest request, long maxBytes, out UploadFailure failure)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
        {
            failure = UploadFailure.NotMultipart;
            return null;
        }

        if (request.ContentLength > maxBytes + Overhead)
        {
            failure = UploadFailure.TooLarge;
            return null;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + Overhead;
        }

        failure = UploadFailure.None;
        return new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
    }

    // A form field is read into the fields (its first characters; with strictChars, a longer field returns ""); a file
    // part is left unread and its name returned.
    private static async Task<string?> ReadAsync(
        MultipartSection section, Dictionary<string, string> fields, int? strictChars,
        CancellationToken cancellationToken)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
        {
            return null;
        }

        if (disposition.IsFileDisposition())
        {
            var fileName = disposition.FileNameStar.Value ?? disposition.FileName.Value ?? "file";
            return Path.GetFileName(fileName.Trim('"'));
        }

        if (disposition.IsFormDisposition())
        {
            using var text = new StreamReader(section.Body);
            var fieldChars = strictChars ?? FieldLength;
            var value = new char[fieldChars + 1];
            var read = await text.ReadBlockAsync(value, cancellationToken);
            if (read > fieldChars && strictChars is not null)
            {
                return "";
            }

            fields[disposition.Name.Value ?? ""] = new string(value, 0, Math.Min(read, fieldChars));
        }

        return null;
    }
}
