using Communique.Auth;
using Communique.Campaigns;
using Communique.Communications;
using Communique.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Communique.Sending;

public static class SendingSetup
{
    public static IServiceCollection AddSending(this IServiceCollection services)
    {
        services.TryAddSingleton<IMessageArchive, NoArchive>();
        services.AddScoped<ChannelPlugins>();
        services.AddScoped<IChannelAvailability>(sp => sp.GetRequiredService<ChannelPlugins>());
        services.AddScoped<OutcomeWriter>();
        services.AddScoped<DeliveryLoop>();
        services.AddJobHandler<BulkSendJob>(
            SendJobs.BulkSend, Area.Campaigns, "POST /campaigns/sends/{sendId}/cancel");
        services.AddJobHandler<TransactionalDeliveryJob>(
            SendJobs.TransactionalDelivery, Area.Campaigns,
            "POST /campaigns/sends/{sendId}/cancel of each transactional send");
        return services;
    }

    // A channel is its renderer (scoped: preparing a send may read the database) and its transport (one per process,
    // keeping its connections); nothing else is registered for it.
    public static IServiceCollection AddChannel<TRenderer, TTransport>(
        this IServiceCollection services, Channel channel)
        where TRenderer : class, IChannelRenderer
        where TTransport : class, IChannelTransport
    {
        services.AddSingleton(new ChannelRegistration(channel));
        services.AddKeyedScoped<IChannelRenderer, TRenderer>(channel);
        services.AddKeyedSingleton<IChannelTransport, TTransport>(channel);
        return services;
    }
}
