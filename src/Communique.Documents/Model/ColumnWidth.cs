namespace Communique.Documents.Model;

public enum ColumnWidth
{
    Fixed,
    Relative,
    Auto,
}
