namespace Communique.Documents.Model;

public enum BoxPages
{
    First,
    All,
    AllButFirst,
    Last,
}
