using Communique.Chat.Sms;
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
        services.AddSingleton<ChatTranscripts>();
        services.AddSingleton<ChatSweep>();
        services.AddHostedService<ChatSweeper>();
        services.AddPublicChat();
        services.AddOptions<SmsOptions>().Bind(configuration.GetSection(SmsOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.HasSaneTimes(), "Chat:Sms:RetryDelay must be 0 to 30 seconds and Chat:Sms:RequestTimeout "
                + "above 0 and at most 60 seconds.")
            .ValidateOnStart();
        services.AddSingleton<TwilioMessages>();
        services.AddSingleton<IChatChannel, SmsChannel>();
        return services;
    }
}
