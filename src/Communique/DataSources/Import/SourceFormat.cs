namespace Communique.DataSources.Import;

public enum SourceFormat
{
    Csv,
    Json,
    Xlsx,
    Xml,
}
