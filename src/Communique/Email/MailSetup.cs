using Communique.Auth;
using Communique.Data;
using Communique.Jobs;
using Communique.Sending;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Email;

public static class MailSetup
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Relays.All(r => !string.IsNullOrWhiteSpace(r.Host) && r.Port is > 0 and <= 65535
                && r.MaxConnections > 0 && r.TimeoutSeconds > 0),
                "Every Mail:Relays entry needs a Host, a Port (1-65535), "
                + "MaxConnections ≥ 1 and TimeoutSeconds ≥ 1.")
            .Validate(o => IsAddress(o.ReturnPath) && IsAddress(o.UnsubscribeAddress),
                "Mail:ReturnPath and Mail:UnsubscribeAddress must be email addresses.")
            .ValidateOnStart()
            .PostConfigure<ServerAddress>((o, server) => o.ListeningAddress = () => server.First);
        services.AddSingleton<ServerAddress>();
        services.AddSingleton<IMailTransport>(sp =>
        {
            var mail = sp.GetRequiredService<IOptions<MailOptions>>().Value;
            return mail.Relays.Count > 0
                ? new SmtpTransport(mail.Relays, sp.GetRequiredService<ILogger<SmtpTransport>>(),
                    mail.ReturnPath is null ? null : MailboxAddress.Parse(mail.ReturnPath))
                : new PickupFolderTransport(mail.PickupDirectoryUnder(sp.GetRequiredService<IOptions<StorageOptions>>()
                    .Value.DataDirectory));
        });
        services.AddSingleton<SendRateLimits>();
        services.AddSingleton<Dkim.DkimSigning>();
        services.AddSingleton<Compose.MailTokens>();
        services.AddSingleton<Compose.MessageComposer>();
        services.AddSingleton<Compose.MessageAttachments>();
        services.AddChannel<EmailChannelRenderer, EmailTransport>(Communications.Channel.Email);
        services.AddJobHandler<Senders.SenderVerificationJob>(
            Senders.SenderVerificationJob.Kind, Area.TeamAdministration);
        return services;
    }

    private static bool IsAddress(string? address) => address is null
        || (MailboxAddress.TryParse(address, out var parsed) && parsed.Address.Contains('@', StringComparison.Ordinal));
}
