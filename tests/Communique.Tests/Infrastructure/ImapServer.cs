using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Communique.Tests.Infrastructure;

// A real IMAP server on loopback: Debian's Dovecot, started with a configuration of its own in a temporary folder
// (one user, plain-text login without TLS, Maildir), and stopped when disposed. As root, mail is kept as the `mail`
// user (Dovecot refuses mail access as root); otherwise as the user running the tests.
public sealed class ImapServer : IAsyncDisposable
{
    public const string Dovecot = "/usr/sbin/dovecot";
    public const string User = "bounces";

    private readonly string _folder;
    private readonly string _config;

    private ImapServer(string folder, string config, int port, string password)
    {
        _folder = folder;
        _config = config;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public Dictionary<string, string?> MailboxSettings(double pollSeconds = 60) => new()
    {
        ["Mail:BounceMailbox:Host"] = "127.0.0.1",
        ["Mail:BounceMailbox:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:BounceMailbox:Security"] = "None",
        ["Mail:BounceMailbox:UserName"] = User,
        ["Mail:BounceMailbox:Password"] = Password,
        ["Mail:BounceMailbox:PollSeconds"] = pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task<ImapServer> StartAsync()
    {
        Assert.True(File.Exists(Dovecot), $"{Dovecot} is missing: apt-get install dovecot-imapd (.ci/run does)");
        var folder = Directory.CreateTempSubdirectory("communique-imap-").FullName;
        // Dovecot's own processes (login, mail) run as other users and must reach the sockets and the mail.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }

        var root = Environment.IsPrivilegedProcess;
        var owner = root ? "mail" : Environment.UserName;
        var mail = Path.Combine(folder, "mail");
        Directory.CreateDirectory(mail);
        if (root)
        {
            await RunAsync("chown", "mail:mail", mail);
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        await File.WriteAllTextAsync(Path.Combine(folder, "users"), $"{User}:{{PLAIN}}{password}\n");
        var port = SmtpSink.FreePort();
        var unprivileged = root ? "" : $"default_login_user = {owner}\ndefault_internal_user = {owner}\n";
        var config = Path.Combine(folder, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{mail}}/%u
            first_valid_uid = 1
            mail_uid = {{owner}}
            mail_gid = {{owner}}
            {{unprivileged}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{folder}}/users
            }
            userdb {
              driver = static
              args = uid={{owner}} gid={{owner}} home={{mail}}/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
              chroot =
            }
            service anvil {
              chroot =
            }
            """);
        await RunAsync(Dovecot, "-c", config);
        var server = new ImapServer(folder, config, port, password);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException(
            $"Dovecot did not listen on port {port}: " +
            $"{await File.ReadAllTextAsync(Path.Combine(folder, "dovecot.log"))}");
    }

    public async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        return client;
    }

    // Delivers a message into the inbox, as the mail server in front of the mailbox would.
    public async Task AppendAsync(params MimeMessage[] messages)
    {
        using var client = await ConnectAsync();
        foreach (var message in messages)
        {
            await client.Inbox.AppendAsync(message, MessageFlags.None);
        }

        await client.DisconnectAsync(true);
    }

    // Subject and flags of every message in the inbox.
    public async Task<List<(string Subject, MessageFlags Flags)>> InboxAsync()
    {
        using var client = await ConnectAsync();
        var all = client.Inbox.Count == 0
            ? []
            : await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        await client.DisconnectAsync(true);
        return [.. all.Select(m => (m.Envelope?.Subject ?? "", m.Flags ?? MessageFlags.None))];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Dovecot, "-c", _config, "stop");
        }
        finally
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Dovecot may still be removing its sockets.
            }
        }
    }

    // Not reading its output: Dovecot's master process keeps the streams it was started with open in the background.
    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments))!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }
}
