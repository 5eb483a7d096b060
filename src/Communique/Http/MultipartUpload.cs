using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Communique.Http;

public sealed record UploadPart(IReadOnlyDictionary<string, string> Fields, MultipartSection File, string FileName);

public enum UploadFailure
{
    None,
    NotMultipart,
    NoFile,
    TooLarge,
}

// Reads a multipart/form-data upload up to its first file part, which is left unread for the caller to stream:
// form fields that come before the file are collected, the file itself is never buffered.
public static class MultipartUpload
{
    private const long Overhead = 64 * 1024;

    public static async Task<(UploadPart? Part, UploadFailure Failure)> FirstFileAsync(
        HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
        {
            return (null, UploadFailure.NotMultipart);
        }

        if (request.ContentLength > maxBytes + Overhead)
        {
            return (null, UploadFailure.TooLarge);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + Overhead;
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            if (disposition.IsFileDisposition())
            {
                var fileName = disposition.FileNameStar.Value ?? disposition.FileName.Value ?? "file";
                return (new UploadPart(fields, section, Path.GetFileName(fileName.Trim('"'))), UploadFailure.None);
            }

            if (disposition.IsFormDisposition())
            {
                using var text = new StreamReader(section.Body);
                var value = new char[1024];
                var read = await text.ReadBlockAsync(value, cancellationToken);
                fields[disposition.Name.Value ?? ""] = new string(value, 0, read);
            }
        }

        return (null, UploadFailure.NoFile);
    }
}
