using System.ComponentModel.DataAnnotations;

namespace Communique.Email;

public sealed class SmtpRelayOptions
{
    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    // Connections kept open to this relay and used one message at a time each; by default as many as the messages a
    // send has delivered and not yet saved at most (Mail:SendParallelism): a crash sends at most one per connection
    // again.
    [Range(1, 256)]
    public int MaxConnections { get; set; } = 16;

    // For one SMTP command or the transfer of one message.
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;
}
