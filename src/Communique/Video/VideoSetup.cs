namespace Communique.Video;

public static class VideoSetup
{
    public static IServiceCollection AddVideo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<VideoPlanner>();
        services.AddSingleton<VideoTemplates>();
        return services;
    }
}
