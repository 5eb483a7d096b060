using Communique.Assets.Storage;
using Communique.Data;
using Microsoft.Extensions.Options;

namespace Communique.Assets;

public static class AssetSetup
{
    public static IServiceCollection AddAssets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AssetOptions>().Bind(configuration.GetSection(AssetOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BlobStoreOptions>().Bind(configuration.GetSection(BlobStoreOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IBlobStore>(sp => new FileSystemBlobStore(
            sp.GetRequiredService<IOptions<BlobStoreOptions>>().Value.RootUnder(
                sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory)));
        services.AddSingleton<BlobSweep>();
        services.AddSingleton<MediaProbe>();
        services.AddHostedService<BlobSweeper>();
        return services;
    }
}
