using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Communique.Tests.Push;

// A browser's push service as RFC 8030 describes it, on 127.0.0.1 over HTTPS: POST /{subscription} takes a message
// (201) and records it. A subscription's name says how it answers: "gone-" ones 410 (the browser unsubscribed),
// "busy-" ones 429 with Retry-After: 120 the first time, "big-" ones 413, "broken-" ones 500, "stall-" ones never.
public sealed class WebPushLoopback : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _tries = new(StringComparer.Ordinal);

    private WebPushLoopback(WebApplication app, X509Certificate2 certificate) =>
        (_app, Certificate) = (app, certificate);

    public X509Certificate2 Certificate { get; }

    public ConcurrentQueue<Received> Messages { get; } = [];

    public string Origin { get; private set; } = "";

    public sealed record Received(
        string Subscription, IReadOnlyDictionary<string, string> Headers, byte[] Body, string Protocol);

    public string Endpoint(string subscription) => $"{Origin}/{subscription}";

    public static async Task<WebPushLoopback> StartAsync()
    {
        var certificate = LoopbackTls.CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var service = new WebPushLoopback(app, certificate);
        app.MapPost("/{subscription}", service.TakeAsync);
        await app.StartAsync();
        service.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return service;
    }

    private async Task<IResult> TakeAsync(string subscription, HttpRequest request)
    {
        var tries = _tries.AddOrUpdate(subscription, 1, (_, n) => n + 1);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        var headers = request.Headers.ToDictionary(
            h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (subscription.StartsWith("stall-", StringComparison.Ordinal))
        {
            await Task.Delay(Timeout.Infinite, request.HttpContext.RequestAborted);
        }

        if (subscription.StartsWith("gone-", StringComparison.Ordinal))
        {
            return Results.Text("push subscription has unsubscribed or expired", statusCode: 410);
        }

        if (subscription.StartsWith("big-", StringComparison.Ordinal))
        {
            return Results.Text("payload too large", statusCode: 413);
        }

        if (subscription.StartsWith("broken-", StringComparison.Ordinal))
        {
            return Results.Text("internal error", statusCode: 500);
        }

        if (subscription.StartsWith("busy-", StringComparison.Ordinal) && tries == 1)
        {
            request.HttpContext.Response.Headers.RetryAfter = "120";
            return Results.Text("too many requests", statusCode: 429);
        }

        Messages.Enqueue(new Received(subscription, headers, body.ToArray(), request.Protocol));
        request.HttpContext.Response.Headers.Location = $"{Origin}/messages/{Guid.NewGuid():N}";
        return Results.StatusCode(201);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
