using Communique.Tests.Infrastructure;

namespace Communique.Tests.Campaigns;

// The README's "First email" block, run as a newcomer runs it: against the server program on loopback with its
// embedded defaults (SQLite, the pickup folder under ./data), from the folder that holds that ./data, only the
// server's address and the token filled in.
public sealed class FirstEmailDocTests : IDisposable
{
    private readonly ServerFolder _folder = new("first-email", "Both");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_readme_sends_a_personalised_email_to_a_small_csv_read_in_the_pickup_folder()
    {
        var example = DocumentedExample.ShellBlock("## First email", "README.md");
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);
        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var script = $"TOKEN='{api.DefaultRequestHeaders.Authorization!.Parameter}'\n"
            + $"COMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
            + example.Replace("API=http://localhost:5000", "API=" + server.Address.ToString().TrimEnd('/'),
                StringComparison.Ordinal);

        var printed = await DocumentedExample.BashAsync(script, _folder.Path);

        Assert.Equal(["Subject: Welcome, Ann", "Subject: Welcome, Bob"],
            printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Order());
    }
}
