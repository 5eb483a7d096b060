namespace Communique.Documents.Model;

public enum VerticalAlign
{
    Top,
    Middle,
    Bottom,
}
