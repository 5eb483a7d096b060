using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Communique.Http;

public static class OutboundHttpSetup
{
    // One instance for the process, whichever features ask for it: it owns the connection pools.
    public static IServiceCollection AddOutboundHttp(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new OutboundHttp(provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
