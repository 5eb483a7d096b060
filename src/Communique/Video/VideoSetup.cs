using Communique.Auth;
using Communique.Http;
using Communique.Jobs;

namespace Communique.Video;

public static class VideoSetup
{
    public static IServiceCollection AddVideo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VideoOptions>().Bind(configuration.GetSection(VideoOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidNetworks(), "Video:AllowedNetworks must be CIDR blocks separated by spaces.")
            .ValidateOnStart();
        services.AddSingleton<VideoPlanner>();
        services.AddSingleton<VideoTemplates>();
        services.AddSingleton<VideoSessions>();
        services.AddSingleton<VideoEventIntake>();
        services.AddHostedService<VideoEventWriter>();
        services.AddOutboundHttp();
        services.AddSingleton<VideoImages>();
        services.AddSingleton<VideoRenderer>();
        services.AddJobHandler<VideoRenderJob>(VideoRenders.JobKind, Area.Communications);
        services.AddJobHandler<VideoRenderBatchJob>(VideoRenderBatchJob.Kind, Area.Communications);
        return services;
    }
}
