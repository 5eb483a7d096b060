namespace Communique.DataSources;

public enum ImportMode
{
    Create,
    Replace,
    Append,
}
