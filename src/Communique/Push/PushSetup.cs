using Communique.Communications;
using Communique.Sending;

namespace Communique.Push;

public static class PushSetup
{
    public static IServiceCollection AddPush(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PushOptions>().Bind(configuration.GetSection(PushOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidNetworks(), "Push:AllowedNetworks must be CIDR blocks separated by spaces.")
            .ValidateOnStart();
        services.AddSingleton<PushHttp>();
        services.AddSingleton<PushKeys>();
        services.AddSingleton<PushSignatures>();
        services.AddChannel<PushRenderer, PushTransport>(Channel.Push);
        services.AddKeyedScoped<ISendExpansion, PushAudience>(Channel.Push);
        services.AddKeyedSingleton<IChannelRefusals, PushRefusals>(Channel.Push);
        services.AddPublicPush();
        return services;
    }
}
