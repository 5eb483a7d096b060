using Communique.Auth;
using Communique.Jobs;

namespace Communique.Deliverability;

public static class DeliverabilitySetup
{
    public static IServiceCollection AddDeliverability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BounceMailboxOptions>().Bind(configuration.GetSection(BounceMailboxOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BounceMailbox>();
        services.AddHostedService<BounceMailboxPoller>();
        services.AddSingleton<EventRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRecorder>());
        services.AddJobHandler<BounceAlertJob>(BounceAlertJob.Kind, Area.TeamAdministration);
        return services;
    }
}
