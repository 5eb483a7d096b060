namespace Communique.Http;

// One OpenAPI 3.1 document per API group, browsable together at /docs (assets served from the package, no CDN).
public static class ApiDocs
{
    public static readonly string[] Groups = ["users", "public", "private", "nlu"];

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
        app.Map("/docs", docs => docs.UseSwaggerUI(o =>
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
}
