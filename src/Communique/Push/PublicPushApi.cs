using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Data;
using Communique.Deliverability;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Push;

// What a customer's web pages and service worker call, without an account: the site's VAPID key, registering and
// removing a browser's subscription (with the site's public key), and the display and click reports of a message
// (signed: the signature travels inside the encrypted payload). Any origin may call them (no cookies are involved); a
// site may name the origins it belongs to. The SDK and the service worker are served here too.
public static class PublicPushApi
{
    public const string CorsPolicy = "push-sdk";
    public const string EventsPath = "/public/push/events";

    public static IServiceCollection AddPublicPush(this IServiceCollection services) =>
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.AllowAnyOrigin()
            .WithMethods("GET", "POST").WithHeaders("Content-Type")));

    public static RouteGroupBuilder MapPublicPush(this IEndpointRouteBuilder app)
    {
        // Bodies are checked by RequestShape in the handlers, to name errors by their JSON fields.
        var group = app.MapGroup("/public/push").WithTags("Push SDK").WithGroupName("public").AllowAnonymous()
            .RequireCors(CorsPolicy).DisableValidation();
        group.MapGet("/sites/{key}", Site).WithSummary("The site's VAPID public key, which browsers subscribe with.");
        group.MapPost("/subscriptions", Subscribe)
            .WithSummary("Register a browser's push subscription for the site's team (the same endpoint again "
                + "updates it).");
        group.MapPost("/unsubscribe", Unsubscribe).WithSummary("Remove a browser's push subscription.");
        group.MapPost("/events", Report)
            .WithSummary("A service worker's report that a message was displayed or clicked, with the message's "
                + "signature from its payload.");
        group.MapGet("/sdk.js", (HttpResponse response) => Script(response, PushScripts.Sdk, PushScripts.SdkTag))
            .WithSummary("The push SDK: one script tag on the site's pages.");
        group.MapGet("/sw.js", (HttpResponse response) =>
                Script(response, PushScripts.ServiceWorker, PushScripts.ServiceWorkerTag))
            .WithSummary("The service worker, to copy to the site's root as /communique-sw.js.");
        return group;
    }

    // Checked again by browsers after a few minutes, fetched again only when an upgrade changed the file.
    private static FileContentHttpResult Script(
        HttpResponse response, ReadOnlyMemory<byte> bytes, Microsoft.Net.Http.Headers.EntityTagHeaderValue tag)
    {
        response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Bytes(bytes, PushScripts.ContentType, entityTag: tag);
    }

    public sealed record SiteResponse(string VapidPublicKey);

    public sealed record SubscriptionKeys(
        [property: MaxLength(200)] string? P256dh, [property: MaxLength(100)] string? Auth);

    public sealed record SubscribeRequest(
        [property: MaxLength(32)] string? SiteKey,
        [property: MaxLength(PushSubscription.MaxEndpointLength)] string? Endpoint, SubscriptionKeys? Keys,
        [property: MaxLength(PushSubscription.MaxUserIdLength)] string? UserId,
        [property: MaxLength(128)] string? UserSignature,
        [property: MaxLength(PushRegistration.MaxAttributes)] Dictionary<string, JsonElement>? Attributes);

    public sealed record SubscribedResponse(Guid Id);

    public sealed record UnsubscribeRequest(
        [property: MaxLength(32)] string? SiteKey,
        [property: MaxLength(PushSubscription.MaxEndpointLength)] string? Endpoint);

    public sealed record EventRequest(
        [property: MaxLength(36)] string? M, [property: MaxLength(64)] string? S,
        [property: MaxLength(16)] string? Type, [property: MaxLength(64)] string? Action);

    private static async Task<Results<Ok<SiteResponse>, ProblemHttpResult>> Site(
        string key, AppDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var site = await FindSiteAsync(db, key, cancellationToken);
        if (site is null || !OriginAllowed(site, request))
        {
            return Problems.NotFound("Site");
        }

        var publicKey = await db.PushSettings.IgnoreQueryFilters().Where(s => s.TeamId == site.TeamId)
            .Select(s => s.VapidPublicKey).FirstOrDefaultAsync(cancellationToken);
        return publicKey is null
            ? Problems.Conflict("The site's team has not set up push yet (PUT /push/settings).")
            : TypedResults.Ok(new SiteResponse(publicKey));
    }

    private static async Task<Results<Created<SubscribedResponse>, Ok<SubscribedResponse>, ValidationProblem,
        ProblemHttpResult>> Subscribe(
        SubscribeRequest request, AppDb db, PushHttp http, PushKeys keys, IOptions<PushOptions> options,
        HttpRequest httpRequest, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var site = await FindSiteAsync(db, request.SiteKey, cancellationToken);
        if (site is null || !OriginAllowed(site, httpRequest))
        {
            return Problems.NotFound("Site");
        }

        if (site.SealedUserSecret is { } sealedSecret && !Signed(keys.Unseal(sealedSecret), request))
        {
            return Problems.Forbidden("This site verifies its users: userSignature must be the HMAC-SHA256 of userId "
                + "under the site's user secret, in hex, made by the site's server.");
        }

        var registration = new PushRegistration.Registration(PushPlatform.Web, request.Endpoint, request.Keys?.P256dh,
            request.Keys?.Auth, request.UserId, request.Attributes);
        var errors = await PushRegistration.CheckAsync(registration, http, cancellationToken);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (subscription, created) = await PushRegistration.StoreAsync(
            db, site.TeamId, site.Id, registration, options.Value.MaxSubscriptionsPerUser, cancellationToken);
        var response = new SubscribedResponse(subscription.Id);
        return created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Unsubscribe(
        UnsubscribeRequest request, AppDb db, HttpRequest httpRequest, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var site = await FindSiteAsync(db, request.SiteKey, cancellationToken);
        if (site is null || !OriginAllowed(site, httpRequest))
        {
            return Problems.NotFound("Site");
        }

        // The endpoint is a secret only its browser and push service know: holding it is the right to remove it.
        if (request.Endpoint is { Length: > 0 and <= PushSubscription.MaxEndpointLength } endpoint)
        {
            await db.PushSubscriptions.IgnoreQueryFilters()
                .Where(s => s.TeamId == site.TeamId && s.Endpoint == endpoint).ExecuteDeleteAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Report(
        EventRequest request, PushSignatures signatures, EventRecorder events, TimeProvider clock,
        IServiceProvider services)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        if (!Guid.TryParse(request.M, out var message))
        {
            return Problems.Invalid("m", "The message id from the payload.");
        }

        var kind = request.Type switch
        {
            "displayed" => EventKind.Open,
            "clicked" => EventKind.Click,
            _ => (EventKind?)null,
        };
        if (kind is null)
        {
            return Problems.Invalid("type", "displayed or clicked.");
        }

        if (request.Action is { Length: > 64 })
        {
            return Problems.Invalid("action", "An action id of at most 64 characters.");
        }

        if (!signatures.Matches(message, request.S))
        {
            return Problems.Forbidden("The signature does not match the message: send the one from its payload.");
        }

        await events.RecordAsync(new MessageEvent
        {
            MessageId = message, Kind = kind.Value, At = clock.GetUtcNow().UtcDateTime,
            Device = DeviceClass.Other, Detail = kind == EventKind.Click ? request.Action ?? "notification" : null,
        });
        return TypedResults.NoContent();
    }

    private static bool Signed(byte[] secret, SubscribeRequest request)
    {
        Span<byte> given = stackalloc byte[32];
        var expected = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(request.UserId ?? ""));
        CryptographicOperations.ZeroMemory(secret);
        return request.UserSignature is { Length: 64 } signature
            && Convert.FromHexString(signature, given, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32 && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    internal static Task<PushSite?> FindSiteAsync(AppDb db, string? key, CancellationToken cancellationToken) =>
        key is not { Length: >= 16 and <= 32 }
            ? Task.FromResult<PushSite?>(null)
            : db.PushSites.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(s => s.Key == key, cancellationToken);

    // A site that names its origins answers pages of those only.
    private static bool OriginAllowed(PushSite site, HttpRequest request) =>
        AllowedOrigins.Allow(site.AllowedOrigins, request);

    public static string NewKey() =>
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
