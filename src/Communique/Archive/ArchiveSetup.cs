using Communique.Auth;
using Communique.Jobs;
using Communique.Sending;

namespace Communique.Archive;

public static class ArchiveSetup
{
    // Before AddSending, whose archive is the one that keeps nothing when none is added.
    public static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArchiveOptions>().Bind(configuration.GetSection(ArchiveOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ArchivePolicies>();
        services.AddSingleton<MessageArchive>();
        services.AddSingleton<ArchiveSigner>();
        services.AddSingleton<IMessageArchive>(s => s.GetRequiredService<MessageArchive>());
        services.AddScoped<ArchivePurge>();
        services.AddJobHandler<ArchiveVerifyJob>(ArchiveVerifyJob.Kind, Area.Archive);
        services.AddJobHandler<ArchivePurgeJob>(ArchivePurge.JobKind, Area.Archive);
        services.AddJobHandler<ArchiveExportJob>(ArchiveExportJob.Kind, Area.Archive);
        return services;
    }
}
