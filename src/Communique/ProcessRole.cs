namespace Communique;

public enum ProcessRole
{
    Both,
    Api,
    Worker,
}
