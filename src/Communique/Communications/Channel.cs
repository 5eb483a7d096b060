namespace Communique.Communications;

public enum Channel
{
    Email,
    Document,
    Chat,
    Video,
    Push,
}
