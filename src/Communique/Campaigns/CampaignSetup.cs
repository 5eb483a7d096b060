using Communique.Auth;
using Communique.Communications;
using Communique.DataSources;
using Communique.Jobs;

namespace Communique.Campaigns;

public static class CampaignSetup
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TransactionalOptions>().Bind(configuration.GetSection(TransactionalOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TransactionalIntake>();
        services.AddScoped<LiveSendUsage>();
        services.AddScoped<ICommunicationUsage>(sp => sp.GetRequiredService<LiveSendUsage>());
        services.AddScoped<IDataSourceUsage>(sp => sp.GetRequiredService<LiveSendUsage>());
        return services;
    }
}
