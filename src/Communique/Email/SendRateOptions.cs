namespace Communique.Email;

public sealed class SendRateOptions
{
    // Messages a second per team, and per recipient domain (e.g. gmail.com), in each worker process; 0: no limit.
    public int TeamPerSecond { get; set; }
    public int DomainPerSecond { get; set; }

    // Per-domain rates that replace DomainPerSecond for those domains (lower case).
    public Dictionary<string, int> Domains { get; set; } = [];
}
