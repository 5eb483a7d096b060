using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Push;

// A subscription as a site's page or an app's backend registers it, checked and stored: the same endpoint (or device
// token) again updates its row; a user past the per-user limit loses their oldest subscription. Every field is
// checked before anything is stored, as the server will POST to the endpoint and encrypt for the keys.
public static partial class PushRegistration
{
    public const int MaxAttributes = 32;

    public sealed record Registration(
        PushPlatform Platform, string? Endpoint, string? P256dh, string? Auth, string? UserId,
        Dictionary<string, JsonElement>? Attributes);

    // The errors by field; empty when the registration may be stored. The endpoint's host is resolved, so a web
    // endpoint on a private address is refused here rather than at the first send.
    public static async Task<Dictionary<string, string[]>> CheckAsync(
        Registration registration, PushHttp http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(http);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(registration.UserId)
            || registration.UserId.Length > PushSubscription.MaxUserIdLength)
        {
            errors["userId"] = [$"The user's id in your system: 1 to {PushSubscription.MaxUserIdLength} characters."];
        }

        CheckAttributes(registration.Attributes, errors);
        var endpoint = registration.Endpoint;
        if (registration.Platform != PushPlatform.Web)
        {
            if (string.IsNullOrWhiteSpace(endpoint) || endpoint.Length > 512 || !DeviceToken().IsMatch(endpoint))
            {
                errors["token"] = ["A device token: 1 to 512 letters, digits and - _ : . characters."];
            }

            return errors;
        }

        if (string.IsNullOrWhiteSpace(endpoint) || endpoint.Length > PushSubscription.MaxEndpointLength
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var url))
        {
            errors["endpoint"] = [$"The push service URL the browser gave, at most "
                + $"{PushSubscription.MaxEndpointLength} characters."];
        }
        else if (await http.RefusalAsync(url, cancellationToken) is { } refusal)
        {
            errors["endpoint"] = [refusal];
        }

        if (!IsPoint(registration.P256dh))
        {
            errors["keys.p256dh"] = ["The subscription's P-256 public key: base64url of an uncompressed point on the "
                + "curve (65 bytes)."];
        }

        if (!Decodes(registration.Auth, 16))
        {
            errors["keys.auth"] = ["The subscription's authentication secret: base64url of 16 bytes."];
        }

        return errors;
    }

    // Inserts or updates; the caller has checked it. Returns the subscription and whether it is new.
    public static async Task<(PushSubscription Subscription, bool Created)> StoreAsync(
        AppDb db, Guid team, Guid? site, Registration registration, int maxPerUser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(registration);
        var attributes = (registration.Attributes ?? []).ToDictionary(a => a.Key, a => a.Value.GetString()!);
        for (var attempt = 0; ; attempt++)
        {
            var subscription = await db.PushSubscriptions.IgnoreQueryFilters()
                .FirstOrDefaultAsync(s => s.TeamId == team && s.Endpoint == registration.Endpoint, cancellationToken);
            var created = subscription is null;
            subscription ??= new PushSubscription
            {
                TeamId = team, Endpoint = registration.Endpoint!, UserId = "", CreatedAt = db.Now,
            };
            subscription.SiteId = site ?? subscription.SiteId;
            subscription.Platform = registration.Platform;
            subscription.P256dh = registration.P256dh;
            subscription.Auth = registration.Auth;
            subscription.UserId = registration.UserId!;
            subscription.Attributes = JsonSerializer.Serialize(attributes);
            subscription.UpdatedAt = db.Now;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                if (created)
                {
                    db.PushSubscriptions.Add(subscription);
                }
                else
                {
                    await db.PushTags.IgnoreQueryFilters().Where(t => t.SubscriptionId == subscription.Id)
                        .ExecuteDeleteAsync(cancellationToken);
                }

                db.PushTags.AddRange(attributes.Select(a => new PushTag
                {
                    TeamId = team, Name = a.Key, Value = a.Value, SubscriptionId = subscription.Id,
                }));
                await db.SaveChangesAcrossTeamsAsync(cancellationToken);
                await KeepNewestAsync(db, team, subscription.UserId, maxPerUser, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (subscription, created);
            }
            catch (DbUpdateException) when (created && attempt == 0)
            {
                // The same endpoint registered at the same moment by another request: update that one instead.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task KeepNewestAsync(
        AppDb db, Guid team, string user, int maxPerUser, CancellationToken cancellationToken)
    {
        var surplus = await db.PushSubscriptions.IgnoreQueryFilters()
            .Where(s => s.TeamId == team && s.UserId == user).OrderByDescending(s => s.UpdatedAt)
            .ThenByDescending(s => s.Id).Skip(maxPerUser).Select(s => s.Id).ToListAsync(cancellationToken);
        if (surplus.Count > 0)
        {
            await db.PushSubscriptions.IgnoreQueryFilters().Where(s => surplus.Contains(s.Id))
                .ExecuteDeleteAsync(cancellationToken);
        }
    }

    private static void CheckAttributes(
        Dictionary<string, JsonElement>? attributes, Dictionary<string, string[]> errors)
    {
        if (attributes is null)
        {
            return;
        }

        if (attributes.Count > MaxAttributes)
        {
            errors["attributes"] = [$"At most {MaxAttributes} attributes."];
            return;
        }

        foreach (var (name, value) in attributes)
        {
            if (!AttributeName().IsMatch(name))
            {
                errors[$"attributes.{name}"] = [$"A name of 1 to {PushTag.MaxNameLength} letters, digits, '_', '-' "
                    + "or '.'."];
            }
            else if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > PushTag.MaxValueLength)
            {
                errors[$"attributes.{name}"] = [$"A string of at most {PushTag.MaxValueLength} characters."];
            }
        }
    }

    private static bool Decodes(string? text, int length)
    {
        Span<byte> bytes = stackalloc byte[length];
        return text is not null && text.Length <= 200 && Base64Url.IsValid(text.TrimEnd('='))
            && Base64Url.TryDecodeFromChars(text.TrimEnd('='), bytes, out var written) && written == length;
    }

    // An uncompressed P-256 point that is on the curve: anything else cannot be encrypted for.
    private static bool IsPoint(string? text)
    {
        if (!Decodes(text, 65))
        {
            return false;
        }

        var point = Base64Url.DecodeFromChars(text!.TrimEnd('='));
        if (point[0] != 0x04)
        {
            return false;
        }

        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();

    [GeneratedRegex("^[A-Za-z0-9_:.-]{1,512}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceToken();
}
