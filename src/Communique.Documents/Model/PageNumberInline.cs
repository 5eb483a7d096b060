using Communique.Documents.Text;

namespace Communique.Documents.Model;

// The number of the page it is drawn on (`<page-number/>`), or with Total the document's page count
// (`<page-count/>`); known only once the body is paginated, so meant for headers and footers.
public sealed record PageNumberInline(TextStyle Style, bool Total = false) : Inline;
