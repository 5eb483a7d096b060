using Communique.Http;

namespace Communique.Chat;

public static class ChatSetup
{
    public static IServiceCollection AddChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatOptions>().Bind(configuration.GetSection(ChatOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOutboundHttp();
        services.AddSingleton<ChatFlowCache>();
        services.AddSingleton<ChatNlu>();
        services.AddSingleton<ChatRuntime>();
        services.AddSingleton<ChatEvents>();
        services.AddSingleton<ChatTokens>();
        services.AddPublicChat();
        return services;
    }
}
