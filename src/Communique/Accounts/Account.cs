namespace Communique.Accounts;

public sealed class Account
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string CustomerId { get; set; }
    public DateTime CreatedAt { get; set; }

    // "Acme Corp" -> "eocm-Acme-Corp": case kept, every space becomes a hyphen.
    public static string CustomerIdFor(string name) => "eocm-" + name.Replace(' ', '-');
}
