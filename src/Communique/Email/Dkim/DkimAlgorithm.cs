namespace Communique.Email.Dkim;

public enum DkimAlgorithm
{
    Rsa,
    Ed25519,
}
