namespace Communique.Nlu;

public enum NluEntityKind
{
    List,
    Regex,
}
