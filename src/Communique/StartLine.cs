using Communique.Data;
using Communique.Email;
using Microsoft.Extensions.Options;

namespace Communique;

public static class StartLine
{
    public const string Category = "Communique.Start";

    // The one line of an ordinary start: where the server listens, which database and data folder it uses, and where
    // links in mail point.
    public static WebApplication LogWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = app.Services.GetRequiredService<ServerAddress>().Urls;
            if (urls.Count == 0)
            {
                // A server in memory (the tests' host) listens nowhere.
                return;
            }

            var mail = app.Services.GetRequiredService<IOptions<MailOptions>>().Value;
            var links = mail.Link("") + (mail.PublicBaseUrl is null ? " (Mail:PublicBaseUrl is not set)" : "");
            var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).LogInformation(
                "Communique listens on {Urls}; links in mail use {Links}; database {Database}; "
                + "data folder {DataFolder}",
                string.Join(", ", urls), links, DataSetup.Describe(app.Services),
                Path.GetFullPath(storage.DataDirectory));
        });
        return app;
    }
}
