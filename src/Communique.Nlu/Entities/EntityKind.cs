namespace Communique.Nlu.Entities;

public enum EntityKind
{
    List,
    Regex,
}
