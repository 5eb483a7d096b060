namespace Communique.Tenancy;

public enum SubjectKind
{
    Credential,
    User,
}
