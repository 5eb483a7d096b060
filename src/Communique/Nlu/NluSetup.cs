using Communique.Auth;
using Communique.Jobs;

namespace Communique.Nlu;

public static class NluSetup
{
    public static IServiceCollection AddNlu(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NluOptions>().Bind(configuration.GetSection(NluOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NluEngine>();
        services.AddSingleton<NluModelCache>();
        services.AddJobHandler<NluTrainingJob>(
            NluTrainingJob.Kind, Area.Communications, "POST /nlu/models/{modelId}/versions/{number}/cancel");
        return services;
    }
}
