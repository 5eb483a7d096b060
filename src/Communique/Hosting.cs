using Communique.Data;
using Communique.Jobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Communique;

public static class Hosting
{
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobKinds>();
        services.AddSingleton<JobRunner>();
        services.AddOptions<HostingOptions>().Bind(configuration.GetSection(HostingOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        // Set here, not left to the host's default: requests and jobs observe the cancellation a stop gives them, and
        // the process is gone within this time whatever they are doing.
        services.AddOptions<HostOptions>().Configure<IOptions<HostingOptions>>(
            (host, hosting) => host.ShutdownTimeout = TimeSpan.FromSeconds(hosting.Value.ShutdownTimeoutSeconds));
        services.AddHostedService<JobWorker>();

        return services;
    }

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<AppDb>("database", tags: ["ready"]);
        return services;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = 503, [HealthStatus.Degraded] = 200 },
        }).AllowAnonymous();
        return app;
    }

    public static bool ServesApi(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<HostingOptions>>().Value.Role != ProcessRole.Worker;
}
