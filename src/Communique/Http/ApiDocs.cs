namespace Communique.Http;

// One OpenAPI 3.1 document per API group, browsable together at /docs (assets served from the package, no CDN).
public static class ApiDocs
{
    public static readonly string[] Groups =
        ["users", "public", "private", "nlu", "document-channel", "chat-channel", "archiving-channel",
            "push-notification", "video-channel", "video-delivery-player"];

    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        foreach (var group in Groups)
        {
            services.AddOpenApi(group);
        }

        return services;
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Its own branch, so that no other request passes through the UI's middleware.
        app.Map("/docs", docs => docs.Use(ToIndexPage).UseSwaggerUI(o =>
        {
            o.RoutePrefix = "";
            o.DocumentTitle = "Communique API";
            foreach (var group in Groups)
            {
                o.SwaggerEndpoint($"/openapi/{group}.json", group);
            }
        }));
        return app;
    }

    // The UI answers its root with a redirect to "index.html", relative: right for /docs/, but from /docs a browser
    // resolves it to /index.html. Both go to the page by a redirect relative to what the browser shows, so a path
    // prefix added by a proxy is kept.
    private static Task ToIndexPage(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path is { HasValue: false } or { Value: "/" })
        {
            var index = context.Request.Path.HasValue ? "index.html" : "docs/index.html";
            context.Response.Redirect(index);
            return Task.CompletedTask;
        }

        return next(context);
    }
}
