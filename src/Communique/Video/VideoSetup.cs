namespace Communique.Video;

public static class VideoSetup
{
    public static IServiceCollection AddVideo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VideoOptions>().Bind(configuration.GetSection(VideoOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VideoPlanner>();
        services.AddSingleton<VideoTemplates>();
        services.AddSingleton<VideoSessions>();
        services.AddSingleton<VideoEventIntake>();
        services.AddHostedService<VideoEventWriter>();
        return services;
    }
}
