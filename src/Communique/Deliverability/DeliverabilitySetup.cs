namespace Communique.Deliverability;

public static class DeliverabilitySetup
{
    public static IServiceCollection AddDeliverability(this IServiceCollection services)
    {
        services.AddSingleton<EventRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRecorder>());
        return services;
    }

    public static void MapDeliverability(this IEndpointRouteBuilder app)
    {
        app.MapTracking();
        app.MapUnsubscribe();
        app.MapSuppression();
        app.MapWebhookSecret();
        app.MapProviderWebhook();
    }
}
