namespace Communique.Http;

// One OpenAPI 3.1 document per API group, browsable together at /docs (assets served from the package, no CDN).
public static class ApiDocs
{
    public static readonly string[] Groups = ["users", "public", "private"];

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
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.DocumentTitle = "Communique API";
            foreach (var group in Groups)
            {
                o.SwaggerEndpoint($"/openapi/{group}.json", group);
            }
        });
        return app;
    }
}
