using System.CommandLine;
using System.Security.Cryptography;
using Communique.Accounts;
using Communique.Auth;
using Communique.Credentials;
using Communique.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Cli;

// Operator commands of the same program: `communique admin create-account`, `communique keys rotate`,
// `communique db migrate`, `communique blobs sweep`, `communique archive purge`.
public static class OperatorCommands
{
    private static readonly string[] Verbs = ["admin", "keys", "db", "hard-bounces", "sending", "blobs", "archive"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var root = new RootCommand("Communique operator commands.")
        {
            Admin(app), Keys(app), Db(app), HardBounces(app), Sending(app), Blobs(app), Archive(app),
        };
        return await root.Parse(args).InvokeAsync();
    }

    private static Command Admin(WebApplication app)
    {
        var name = new Option<string>("--name") { Description = "Company name, e.g. \"Acme Corp\".", Required = true };
        var email = new Option<string>("--admin-email")
        {
            Description = "E-mail of the account's first administrator.", Required = true,
        };
        var password = new Option<string?>("--admin-password")
        {
            Description = "Initial password (generated and printed when omitted).",
        };
        var region = new Option<string>("--region")
        {
            Description = "Region of the first team.", DefaultValueFactory = _ => "us-east-1",
        };
        var format = new Option<string>("--format")
        {
            Description = "text, or env for shell exports.", DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "env");

        var create = new Command(
            "create-account",
            "Create an account with its General team, an administrator and a first client credential.")
        {
            name, email, password, region, format,
        };
        create.SetAction(async (result, cancellationToken) =>
        {
            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            var created = await CreateAccountAsync(app.Services, result.GetValue(name)!, result.GetValue(email)!,
                result.GetValue(password), result.GetValue(region)!, cancellationToken);
            if (created.Error is not null)
            {
                await Console.Error.WriteLineAsync(created.Error);
                return 1;
            }

            var lines = new List<(string Key, string Value)>
            {
                ("customer_id", created.CustomerId!),
                ("team_id", created.TeamId.ToString()),
                ("admin_email", created.AdminEmail!),
                ("client_id", created.ClientId!),
                ("client_secret", created.Secret!),
            };
            if (created.GeneratedPassword is not null)
            {
                lines.Add(("admin_password", created.GeneratedPassword));
            }

            foreach (var (key, value) in lines)
            {
                Console.WriteLine(result.GetValue(format) == "env"
                    ? $"export COMMUNIQUE_{key.ToUpperInvariant()}='{value}'"
                    : $"{key}: {value}");
            }

            if (result.GetValue(format) == "text")
            {
                Console.WriteLine("The secret and any generated password are shown only now.");
            }

            return 0;
        });
        return new Command("admin", "Accounts and their administrators.") { create };
    }

    private static Command Keys(WebApplication app)
    {
        var rotate = new Command(
            "rotate",
            "Start signing tokens with a new key; tokens signed with older keys stay valid until they expire.");
        rotate.SetAction(async (_, cancellationToken) =>
        {
            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            var key = await KeyRing.RotateAsync(scope.ServiceProvider.GetRequiredService<AppDb>(),
                app.Services.GetRequiredService<MasterKey>(), app.Services.GetRequiredService<TimeProvider>(),
                cancellationToken);
            Console.WriteLine($"signing key: {key.Id} (running servers switch to it within a minute)");
            return 0;
        });
        return new Command("keys", "Token signing keys.") { rotate };
    }

    // The global hard-bounce list is shared by every account, so only an operator takes an address off it (after the
    // mailbox was shown to exist again).
    private static Command HardBounces(WebApplication app)
    {
        var address = new Argument<string>("address") { Description = "The address to take off the list." };
        var remove = new Command("remove", "Take an address off the global hard-bounce list.") { address };
        remove.SetAction(async (result, cancellationToken) =>
        {
            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var key = Deliverability.Addresses.Normalize(result.GetValue(address)!);
            var removed = await db.HardBounces.Where(h => h.Address == key).ExecuteDeleteAsync(cancellationToken);
            Console.WriteLine(
                removed == 0 ? $"{key} is not on the hard-bounce list" : $"{key} removed from the hard-bounce list");
            return removed == 0 ? 1 : 0;
        });
        return new Command("hard-bounces", "The global hard-bounce list.") { remove };
    }

    private static Command Sending(WebApplication app)
    {
        var team = new Argument<Guid>("team") { Description = "The id of the suspended team." };
        var lift = new Command("lift", "Lift the bounce-rate guard's suspension of a team; its window starts afresh.")
        {
            team,
        };
        lift.SetAction(async (result, cancellationToken) =>
        {
            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            var lifted = await Deliverability.BounceGuard.LiftAsync(
                scope.ServiceProvider.GetRequiredService<AppDb>(), result.GetValue(team), cancellationToken);
            Console.WriteLine(lifted ? "suspension lifted: the team may send again" : "the team is not suspended");
            return lifted ? 0 : 1;
        });
        return new Command("sending", "The bounce-rate guard.") { lift };
    }

    private static Command Blobs(WebApplication app)
    {
        var grace = new Option<int>("--grace-minutes")
        {
            Description = "Spare blobs put less than this long ago (0 only when no server is running).",
            DefaultValueFactory = _ => 60,
        };
        var sweep = new Command("sweep", "Delete the blobs no holder names (left by refused uploads and crashes).")
        {
            grace,
        };
        sweep.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(grace) < 0)
            {
                await Console.Error.WriteLineAsync("--grace-minutes must be 0 or more.");
                return 1;
            }

            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            var deleted = await app.Services.GetRequiredService<Assets.Storage.BlobSweep>().SweepAsync(
                TimeSpan.FromMinutes(result.GetValue(grace)), cancellationToken);
            Console.WriteLine($"blobs deleted: {deleted}");
            return 0;
        });
        return new Command("blobs", "The blob store.") { sweep };
    }

    // The purge an operator runs is the one the API and the retention job run: it removes nothing before its
    // retention date or under a legal hold.
    private static Command Archive(WebApplication app)
    {
        var team = new Argument<Guid>("team") { Description = "The id of the team whose archive to purge." };
        var purge = new Command("purge", "Purge the team's archive entries whose retention has passed and that no "
            + "legal hold covers (their tombstones stay in the log).")
        {
            team,
        };
        purge.SetAction(async (result, cancellationToken) =>
        {
            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Tenancy.TenantContext>().EnterTeam(result.GetValue(team));
            var purged = await scope.ServiceProvider.GetRequiredService<Communique.Archive.ArchivePurge>()
                .PurgeDueAsync(cancellationToken);
            Console.WriteLine($"entries purged: {purged}");
            return 0;
        });
        return new Command("archive", "The archive.") { purge };
    }

    private static Command Db(WebApplication app)
    {
        var migrate = new Command("migrate", "Apply database migrations and exit.");
        migrate.SetAction(async (_, cancellationToken) =>
        {
            await DataSetup.MigrateAsync(app.Services, cancellationToken);
            Console.WriteLine("database is up to date");
            return 0;
        });
        return new Command("db", "The database.") { migrate };
    }

    public sealed record CreatedAccount(
        string? CustomerId, Guid TeamId, string? AdminEmail, string? ClientId, string? Secret,
        string? GeneratedPassword, string? Error);

    public static async Task<CreatedAccount> CreateAccountAsync(
        IServiceProvider services, string name, string adminEmail, string? password, string region,
        CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200)
        {
            return Failed("The account name must be 1 to 200 characters.");
        }

        if (!Http.SingleLine.Allows(name))
        {
            return Failed(Http.SingleLine.Refusal("account name"));
        }

        if (adminEmail.Length > 320
            || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(adminEmail))
        {
            return Failed("The administrator e-mail is not a valid address.");
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        var master = scope.ServiceProvider.GetRequiredService<MasterKey>();
        var customerId = Account.CustomerIdFor(name);
        if (await db.Accounts.AnyAsync(a => a.CustomerId == customerId, cancellationToken))
        {
            return Failed($"An account with customer id {customerId} already exists.");
        }

        var now = db.Now;
        var account = new Account { Name = name, CustomerId = customerId, CreatedAt = now };
        var team = new Team { AccountId = account.Id, Name = Team.FirstTeamName, Region = region, CreatedAt = now };
        var generated = password is null ? Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18)) : null;
        // A new account has new users: the same e-mail in another account is another user, with its own password.
        var user = new User
        {
            AccountId = account.Id, Email = adminEmail, DisplayName = adminEmail, PasswordHash = "",
            DefaultTeamId = team.Id, CreatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, password ?? generated!);
        db.Users.Add(user);

        var (credential, secret) = CredentialsApi.Issue("bootstrap", Role.Administrator, "operator", master, now);
        credential.TeamId = team.Id;
        db.Accounts.Add(account);
        db.Teams.Add(team);
        db.Memberships.Add(
            new Membership { TeamId = team.Id, UserId = user.Id, Role = Role.Administrator, CreatedAt = now });
        db.Credentials.Add(credential);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedAccount(customerId, team.Id, adminEmail, credential.ClientId, secret, generated, null);

        static CreatedAccount Failed(string error) => new(null, Guid.Empty, null, null, null, null, error);
    }
}
