using Microsoft.AspNetCore.WebUtilities;

namespace Communique.Http;

public sealed record UploadPart(IReadOnlyDictionary<string, string> Fields, MultipartSection File, string FileName);
