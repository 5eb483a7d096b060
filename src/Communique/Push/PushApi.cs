using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Push.Mobile;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Push;

// A team's push set-up: its credentials (the VAPID key pair, FCM's service account, APNs' key), its sites (the key a
// site's SDK tag carries), the subscriptions registered, mobile devices registered by the team's backend, and the
// users who opted out.
public static class PushApi
{
    public static RouteGroupBuilder MapPush(this IEndpointRouteBuilder app)
    {
        // Bodies are checked by RequestShape in the handlers, to name errors by their JSON fields.
        var group = app.MapGroup("/push").WithTags("Push").WithGroupName("push-notification").RequireTeamCaller()
            .DisableValidation();
        group.MapGet("/settings", Settings).RequireAccess(Area.TeamAdministration, Access.View)
            .WithSummary("The team's push credentials: the VAPID public key and which mobile platforms are set up.");
        group.MapPut("/settings", SaveSettings).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Set the VAPID subject (a mailto: or https: contact); the first call makes the key pair.");
        group.MapPost("/settings/vapid/rotate", Rotate).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Replace the VAPID key pair. Browsers subscribed with the old key receive nothing more "
                + "until their pages subscribe again with the new one.");
        group.MapPut("/settings/fcm", SaveFcm).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Set the Firebase service account (the JSON key file Google gives) that FCM messages use.");
        group.MapDelete("/settings/fcm", DeleteFcm).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Forget the FCM service account.");
        group.MapPut("/settings/apns", SaveApns).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Set the APNs signing key (.p8), its key id, the Apple team id, the app's bundle id and the "
                + "environment.");
        group.MapDelete("/settings/apns", DeleteApns).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Forget the APNs key.");
        group.MapPost("/sites", CreateSite).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("A website whose visitors subscribe: its key goes in the SDK's script tag. With verifyUsers, "
                + "the answer holds the site's user secret, this once.");
        group.MapGet("/sites", Sites).RequireAccess(Area.Communications, Access.View).WithSummary("The team's sites.");
        group.MapDelete("/sites/{id:guid}", DeleteSite).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Remove a site: its pages can no longer register subscriptions (those made stay).");
        group.MapGet("/subscriptions", Subscriptions).RequireAccess(Area.Communications, Access.View)
            .WithSummary("Search subscriptions by user id, platform and attributes (attribute=name:value, "
                + "repeatable).");
        group.MapGet("/subscriptions/{id:guid}", Subscription).RequireAccess(Area.Communications, Access.View)
            .WithSummary("One subscription.");
        group.MapDelete("/subscriptions/{id:guid}", DeleteSubscription).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Remove a subscription.");
        group.MapPost("/devices", RegisterDevice).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Register a mobile app's device token (FCM or APNs) for a user, from the app's backend.");
        group.MapPut("/opt-outs/{userId}", OptOut).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("The user receives no more push messages (their subscriptions stay).");
        group.MapDelete("/opt-outs/{userId}", OptIn).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("The user receives push messages again.");
        group.MapGet("/opt-outs/{userId}", IsOptedOut).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("Whether the user opted out (404 when not).");
        return group;
    }

    public sealed record SettingsRequest([property: MaxLength(320)] string? VapidSubject);

    public sealed record FcmRequest(JsonElement? ServiceAccount);

    public sealed record ApnsRequest(
        [property: MaxLength(10)] string? TeamId, [property: MaxLength(10)] string? KeyId,
        [property: MaxLength(200)] string? BundleId, [property: MaxLength(16)] string? Environment,
        [property: MaxLength(8192)] string? PrivateKey);

    public sealed record FcmResponse(string ProjectId, string ClientEmail, DateTime UpdatedAt);

    public sealed record ApnsResponse(
        string TeamId, string KeyId, string BundleId, string Environment, DateTime UpdatedAt);

    public sealed record SettingsResponse(
        string VapidPublicKey, string VapidSubject, DateTime VapidCreatedAt, FcmResponse? Fcm, ApnsResponse? Apns)
    {
        public static SettingsResponse From(PushSettings s) => new(
            s.VapidPublicKey, s.VapidSubject, s.VapidCreatedAt,
            s.FcmProjectId is null ? null : new FcmResponse(s.FcmProjectId, s.FcmClientEmail!, s.FcmUpdatedAt!.Value),
            s.ApnsKeyId is null ? null : new ApnsResponse(s.ApnsTeamId!, s.ApnsKeyId, s.ApnsBundleId!,
                s.ApnsProduction ? "production" : "sandbox", s.ApnsUpdatedAt!.Value));
    }

    public sealed record SiteRequest(
        [property: MaxLength(200)] string? Name,
        [property: MaxLength(20), EachMaxLength(200)] IReadOnlyList<string>? AllowedOrigins, bool? VerifyUsers);

    // UserSecret: only in the answer that made the site.
    public sealed record SiteResponse(
        Guid Id, string Name, string Key, IReadOnlyList<string> AllowedOrigins, bool VerifiesUsers, string ScriptTag,
        string ServiceWorkerUrl, DateTime CreatedAt, string? UserSecret = null)
    {
        public static SiteResponse From(PushSite site, Email.MailOptions mail)
        {
            var script = mail.Link("/public/push/sdk.js");
            return new SiteResponse(site.Id, site.Name, site.Key,
                site.AllowedOrigins.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                site.SealedUserSecret is not null,
                $"<script src=\"{script}\" data-site-key=\"{site.Key}\" defer></script>",
                mail.Link("/public/push/sw.js"), site.CreatedAt);
        }
    }

    public sealed record SubscriptionResponse(
        Guid Id, string Platform, string UserId, Guid? SiteId, string Endpoint,
        IReadOnlyDictionary<string, string> Attributes, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public static SubscriptionResponse From(PushSubscription s) => new(
            s.Id, WireNames.Of(s.Platform), s.UserId, s.SiteId,
            // A device token is a credential of sorts for its app: only its end is shown.
            s.Platform == PushPlatform.Web ? s.Endpoint : "…" + s.Endpoint[Math.Max(0, s.Endpoint.Length - 8)..],
            JsonSerializer.Deserialize<Dictionary<string, string>>(s.Attributes)!, s.CreatedAt, s.UpdatedAt);
    }

    public sealed record DeviceRequest(
        [property: MaxLength(8)] string? Platform, [property: MaxLength(512)] string? Token,
        [property: MaxLength(PushSubscription.MaxUserIdLength)] string? UserId,
        [property: MaxLength(PushRegistration.MaxAttributes)] Dictionary<string, JsonElement>? Attributes);

    public sealed record OptOutResponse(string UserId, DateTime CreatedAt);

    private static async Task<Results<Ok<SettingsResponse>, ProblemHttpResult>> Settings(
        AppDb db, CancellationToken cancellationToken)
    {
        var settings = await db.PushSettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        return settings is null
            ? Problems.NotFound("Push settings (PUT /push/settings sets them up)")
            : TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> SaveSettings(
        SettingsRequest request, AppDb db, PushKeys keys, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var subject = request.VapidSubject?.Trim();
        if (!IsSubject(subject))
        {
            return Problems.Invalid("vapidSubject", "A contact for push services: mailto:someone@example.com or an "
                + "https: URL, at most 320 characters.");
        }

        var settings = await db.PushSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            var (publicKey, sealedKey) = keys.Generate();
            settings = new PushSettings
            {
                TeamId = db.Tenant.TeamId, VapidPublicKey = publicKey, SealedVapidPrivateKey = sealedKey,
                VapidSubject = subject!, VapidCreatedAt = db.Now,
            };
            db.PushSettings.Add(settings);
        }

        settings.VapidSubject = subject!;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Ok<SettingsResponse>, ProblemHttpResult>> Rotate(
        AppDb db, PushKeys keys, CancellationToken cancellationToken)
    {
        var settings = await db.PushSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            return Problems.NotFound("Push settings (PUT /push/settings sets them up)");
        }

        (settings.VapidPublicKey, settings.SealedVapidPrivateKey) = keys.Generate();
        settings.VapidCreatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Ok<SettingsResponse>, ValidationProblem, ProblemHttpResult>> SaveFcm(
        FcmRequest request, AppDb db, PushKeys keys, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        if (request.ServiceAccount is not { ValueKind: JsonValueKind.Object } json)
        {
            return Problems.Invalid("serviceAccount", "The service account's JSON key file, as an object.");
        }

        var text = json.GetRawText();
        if (text.Length > 16 * 1024)
        {
            return Problems.Invalid("serviceAccount", "At most 16 KB.");
        }

        if (!FcmAccount.TryParse(text, out var account, out var error))
        {
            return Problems.Invalid("serviceAccount", error);
        }

        var settings = await db.PushSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            return Problems.NotFound("Push settings (PUT /push/settings sets them up)");
        }

        settings.FcmProjectId = account.ProjectId;
        settings.FcmClientEmail = account.ClientEmail;
        settings.SealedFcmAccount = keys.Seal(Encoding.UTF8.GetBytes(text));
        settings.FcmUpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Ok<SettingsResponse>, ProblemHttpResult>> DeleteFcm(
        AppDb db, CancellationToken cancellationToken)
    {
        var settings = await db.PushSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings?.SealedFcmAccount is null)
        {
            return Problems.NotFound("FCM service account");
        }

        (settings.FcmProjectId, settings.FcmClientEmail, settings.SealedFcmAccount, settings.FcmUpdatedAt) =
            (null, null, null, null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Ok<SettingsResponse>, ValidationProblem, ProblemHttpResult>> SaveApns(
        ApnsRequest request, AppDb db, PushKeys keys, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        if (request.PrivateKey is { Length: > 8 * 1024 })
        {
            return Problems.Invalid("privateKey", "At most 8 KB.");
        }

        if (!ApnsAccount.TryParse(request.TeamId ?? "", request.KeyId ?? "", request.PrivateKey ?? "",
                request.BundleId ?? "", request.Environment ?? "production", out var account, out var error))
        {
            return Problems.Invalid("apns", error);
        }

        var settings = await db.PushSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            return Problems.NotFound("Push settings (PUT /push/settings sets them up)");
        }

        settings.ApnsTeamId = account.TeamId;
        settings.ApnsKeyId = account.KeyId;
        settings.ApnsBundleId = account.BundleId;
        settings.ApnsProduction = account.Environment == ApnsEnvironment.Production;
        settings.SealedApnsKey = keys.Seal(Encoding.UTF8.GetBytes(request.PrivateKey!));
        settings.ApnsUpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Ok<SettingsResponse>, ProblemHttpResult>> DeleteApns(
        AppDb db, CancellationToken cancellationToken)
    {
        var settings = await db.PushSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings?.SealedApnsKey is null)
        {
            return Problems.NotFound("APNs key");
        }

        (settings.ApnsTeamId, settings.ApnsKeyId, settings.ApnsBundleId, settings.SealedApnsKey,
            settings.ApnsUpdatedAt) = (null, null, null, null, null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SettingsResponse.From(settings));
    }

    private static async Task<Results<Created<SiteResponse>, ValidationProblem>> CreateSite(
        SiteRequest request, AppDb db, PushKeys keys, IOptions<Email.MailOptions> mail,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return Problems.Invalid("name", "The site's name: 1 to 200 characters.");
        }

        if (!AllowedOrigins.TryJoin(request.AllowedOrigins, out var origins, out var originProblem))
        {
            return Problems.Invalid("allowedOrigins", originProblem!);
        }

        var secret = request.VerifyUsers == true ? RandomNumberGenerator.GetBytes(32) : null;
        var site = new PushSite
        {
            TeamId = db.Tenant.TeamId, Key = PublicPushApi.NewKey(), Name = name,
            AllowedOrigins = origins, CreatedAt = db.Now,
            SealedUserSecret = secret is null ? null : keys.Seal(secret),
        };
        db.PushSites.Add(site);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/push/sites/{site.Id}", SiteResponse.From(site, mail.Value) with
        {
            UserSecret = secret is null ? null : Convert.ToHexStringLower(secret),
        });
    }

    private static async Task<Ok<List<SiteResponse>>> Sites(
        AppDb db, IOptions<Email.MailOptions> mail, CancellationToken cancellationToken)
    {
        var sites = await db.PushSites.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(sites.Select(s => SiteResponse.From(s, mail.Value)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSite(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.PushSites.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Site")
            : TypedResults.NoContent();

    private static async Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> Subscriptions(
        string? userId, string? platform, string[]? attribute, int? limit, string? cursor, AppDb db,
        CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var pagingError))
        {
            return Problems.Invalid(cursor is null ? "limit" : "cursor", pagingError!);
        }

        var query = db.PushSubscriptions.AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(s => s.UserId == userId);
        }

        if (platform is not null)
        {
            if (!WireNames.TryParse<PushPlatform>(platform, out var kind))
            {
                return Problems.Invalid("platform", "web, fcm or apns.");
            }

            query = query.Where(s => s.Platform == kind);
        }

        if (!PushSegments.TryParse(attribute ?? [], out var conditions, out var segmentError))
        {
            return Problems.Invalid("attribute", segmentError!);
        }

        query = PushSegments.Select(db, query, conditions);
        if (after is { } last)
        {
            query = query.Where(s => s.Id.CompareTo(last) > 0);
        }

        var rows = await query.OrderBy(s => s.Id).Take(take + 1).ToListAsync(cancellationToken);
        var page = Paging.Build(rows, take, s => s.Id);
        return TypedResults.Ok(new Page<SubscriptionResponse>(
            [.. page.Items.Select(SubscriptionResponse.From)], page.Next));
    }

    private static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Subscription(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var subscription = await db.PushSubscriptions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return subscription is null
            ? Problems.NotFound("Subscription")
            : TypedResults.Ok(SubscriptionResponse.From(subscription));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSubscription(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.PushSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Subscription")
            : TypedResults.NoContent();

    private static async Task<Results<Created<SubscriptionResponse>, Ok<SubscriptionResponse>, ValidationProblem>>
        RegisterDevice(DeviceRequest request, AppDb db, PushHttp http, IOptions<PushOptions> options,
            IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        if (request.Platform is not ("fcm" or "apns"))
        {
            return Problems.Invalid("platform", "fcm or apns (browsers register through the SDK).");
        }

        var platform = request.Platform == "fcm" ? PushPlatform.Fcm : PushPlatform.Apns;
        var registration = new PushRegistration.Registration(
            platform, request.Token, null, null, request.UserId, request.Attributes);
        var errors = await PushRegistration.CheckAsync(registration, http, cancellationToken);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        // A device token is unique to its platform: the platform is part of what is stored.
        registration = registration with { Endpoint = $"{request.Platform}:{request.Token}" };
        var (subscription, created) = await PushRegistration.StoreAsync(
            db, db.Tenant.TeamId, null, registration, options.Value.MaxSubscriptionsPerUser, cancellationToken);
        var response = SubscriptionResponse.From(subscription);
        return created ? TypedResults.Created($"/push/subscriptions/{subscription.Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<OptOutResponse>, ValidationProblem>> OptOut(
        string userId, AppDb db, CancellationToken cancellationToken)
    {
        if (userId.Length > PushSubscription.MaxUserIdLength)
        {
            return Problems.Invalid("userId", $"At most {PushSubscription.MaxUserIdLength} characters.");
        }

        var existing = await db.PushOptOuts.AsNoTracking().FirstOrDefaultAsync(o => o.UserId == userId,
            cancellationToken);
        if (existing is not null)
        {
            return TypedResults.Ok(new OptOutResponse(existing.UserId, existing.CreatedAt));
        }

        var optOut = new PushOptOut { TeamId = db.Tenant.TeamId, UserId = userId, CreatedAt = db.Now };
        db.PushOptOuts.Add(optOut);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new OptOutResponse(optOut.UserId, optOut.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> OptIn(
        string userId, AppDb db, CancellationToken cancellationToken) =>
        await db.PushOptOuts.Where(o => o.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Opt-out")
            : TypedResults.NoContent();

    private static async Task<Results<Ok<OptOutResponse>, ProblemHttpResult>> IsOptedOut(
        string userId, AppDb db, CancellationToken cancellationToken)
    {
        var optOut = await db.PushOptOuts.AsNoTracking().FirstOrDefaultAsync(o => o.UserId == userId,
            cancellationToken);
        return optOut is null
            ? Problems.NotFound("Opt-out")
            : TypedResults.Ok(new OptOutResponse(optOut.UserId, optOut.CreatedAt));
    }

    private static bool IsSubject(string? subject) =>
        subject is { Length: > 0 and <= 320 }
        && ((subject.StartsWith("mailto:", StringComparison.Ordinal) && subject.Contains('@', StringComparison.Ordinal))
            || (Uri.TryCreate(subject, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps));
}
