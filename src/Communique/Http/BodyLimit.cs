namespace Communique.Http;

// How many bytes of its body an endpoint reads: its own limit (WithBodyLimit), or for an endpoint that reads JSON the
// configured default; uploads that enforce a limit of their own say so with IRequestSizeLimitMetadata. The limit holds
// while the body streams in: a Content-Length over it is refused before anything is read, and a chunked body is
// refused (413) as soon as it passes the limit, the rest left unread. The server's own limit is set where the server
// has one (Kestrel); a counting stream enforces it everywhere else, so a handler never sees a byte past the limit
// whichever server it runs on.
public sealed record BodyLimit(long MaxBytes);
