namespace Communique.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
