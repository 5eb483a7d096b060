using Communique.Auth;
using Communique.Jobs;

namespace Communique.DataSources;

public static class DataSourceSetup
{
    public static IServiceCollection AddDataSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataSourceOptions>().Bind(configuration.GetSection(DataSourceOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<DataImporter>();
        services.AddScoped<IDataSourceUsage, RunningImport>();
        services.AddJobHandler<DataImportJob>(
            DataImportJob.Kind, Area.DataSources, "POST /data/{dataSourceId}/import/cancel");
        return services;
    }
}
