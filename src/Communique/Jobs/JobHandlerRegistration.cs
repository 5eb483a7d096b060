using Communique.Auth;

namespace Communique.Jobs;

public static class JobHandlerRegistration
{
    public static IServiceCollection AddJobHandler<THandler>(
        this IServiceCollection services, string kind, Area area, string? cancelledThrough = null)
        where THandler : class, IJobHandler
    {
        services.AddSingleton(new JobKind(kind, area, cancelledThrough));
        return services.AddKeyedScoped<IJobHandler, THandler>(kind);
    }
}
