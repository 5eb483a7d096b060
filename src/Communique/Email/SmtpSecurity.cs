namespace Communique.Email;

public enum SmtpSecurity
{
    // STARTTLS when the server offers it.
    Auto,
    None,
    StartTls,
    SslOnConnect,
}
