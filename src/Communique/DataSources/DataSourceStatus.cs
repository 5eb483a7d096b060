namespace Communique.DataSources;

public enum DataSourceStatus
{
    Importing,
    Ready,
    Failed,
}
