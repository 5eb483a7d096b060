using Communique.Auth;
using Communique.Jobs;

namespace Communique.Documents;

public static class DocumentSetup
{
    public static IServiceCollection AddDocuments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DocumentOptions>().Bind(configuration.GetSection(DocumentOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DocumentAssets>();
        services.AddSingleton<DocumentMaker>();
        services.AddSingleton<Email.Compose.IRecipientAttachments, DocumentAttachments>();
        services.AddJobHandler<DocumentBatchJob>(DocumentBatchJob.Kind, Area.Communications);
        return services;
    }
}
