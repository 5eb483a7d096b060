namespace Communique.Auth;

public enum Access
{
    None,
    View,
    Edit,
}
