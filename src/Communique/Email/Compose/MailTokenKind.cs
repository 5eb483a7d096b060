namespace Communique.Email.Compose;

public enum MailTokenKind : byte
{
    Open = 1,
    Click = 2,
    Unsubscribe = 3,
}
