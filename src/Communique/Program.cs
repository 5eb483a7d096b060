using Communique;
using Communique.Accounts;
using Communique.Archive;
using Communique.Assets;
using Communique.Auth;
using Communique.Campaigns;
using Communique.Chat;
using Communique.Chat.Sms;
using Communique.Cli;
using Communique.Communications;
using Communique.Credentials;
using Communique.DataSources;
using Communique.Documents;
using Communique.Email;
using Communique.Email.Dkim;
using Communique.Data;
using Communique.Deliverability;
using Communique.Http;
using Communique.Jobs;
using Communique.Nlu;
using Communique.Projects;
using Communique.Push;
using Communique.Reporting;
using Communique.Senders;
using Communique.Sending;
using Communique.Templates;
using Communique.Tenancy;
using Communique.Video;

// Any regular expression made without a timeout of its own (in a library, or one we missed) stops after a second
// instead of backtracking for hours; read once, when the first one is made, so it is set before anything else.
AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", TimeSpan.FromSeconds(1));

var isCommand = OperatorCommands.IsCommand(args);
// Settings (appsettings.json) come from the program's own folder, whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = isCommand ? [] : args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.AddSingleton(TimeProvider.System);
builder.Logging.AddTokenRedaction();
builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
builder.Services.AddScoped<TenantContext>();
builder.Services.AddErrorHandling();
builder.Services.AddValidation();
builder.Services.AddProxies(builder.Configuration);
builder.Services.AddBodyLimits(builder.Configuration);
builder.Services.AddData(builder.Configuration);
builder.Services.AddAuth(builder.Configuration);
builder.Services.AddJobs(builder.Configuration);
builder.Services.AddHealth();
builder.Services.AddSingleton<Communique.Rendering.LiquidTemplates>();
builder.Services.AddSingleton<TemplateSyntax>();
builder.Services.AddScoped<IProjectUsage, ProjectCommunications>();
builder.Services.AddAssets(builder.Configuration);
builder.Services.AddDataSources(builder.Configuration);
builder.Services.AddMail(builder.Configuration);
builder.Services.AddCampaigns(builder.Configuration);
builder.Services.AddArchive(builder.Configuration);
builder.Services.AddSending();
builder.Services.AddDeliverability(builder.Configuration);
builder.Services.AddDocuments(builder.Configuration);
builder.Services.AddNlu(builder.Configuration);
builder.Services.AddChat(builder.Configuration);
builder.Services.AddPush(builder.Configuration);
builder.Services.AddVideo(builder.Configuration);
builder.Services.AddApiDocs();
if (isCommand)
{
    // Operator commands print results on stdout for scripts; diagnostics go to stderr.
    builder.Logging.ClearProviders();
    builder.Logging.AddSimpleConsole();
    builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
        o.LogToStandardErrorThreshold = LogLevel.Trace);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);
}

var app = builder.Build();

if (isCommand)
{
    return await OperatorCommands.RunAsync(app, args);
}

if (DataSetup.MigrateOnStart(app.Services))
{
    await DataSetup.MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
}

app.UseForwardedHeaders();
app.UseRequestIds();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePublicPageHeaders();
app.UseVideoPlayerHeaders();
app.UseBodyLimits();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
if (app.ServesApi())
{
    app.MapApiDocs();
    app.MapAuth();
    app.MapTeams();
    app.MapUsers();
    app.MapCredentials();
    app.MapJobs();
    app.MapProjects();
    app.MapCommunications();
    app.MapTemplates();
    app.MapAssets();
    app.MapDataSources();
    app.MapSenders();
    app.MapSenderVerification();
    app.MapDkimKeys();
    app.MapCampaigns();
    app.MapTransactional();
    app.MapTracking();
    app.MapUnsubscribe();
    app.MapUnsubscribes();
    app.MapBlacklistedDomains();
    app.MapWhitelistedEmails();
    app.MapHardBounces();
    app.MapUnsubscribeCategories();
    app.MapWebhookSecret();
    app.MapProviderWebhook();
    app.MapSendingStatus();
    app.MapReports();
    app.MapDocuments();
    app.MapArchive();
    app.MapNluModels();
    app.MapNluVersions();
    app.MapNluParse();
    app.MapChat();
    app.MapChatSms();
    app.MapSmsWebhook();
    app.MapLiveTakeover();
    app.MapPublicChat();
    app.MapChatAnalytics();
    app.MapPush();
    app.MapPushSends();
    app.MapPublicPush();
    app.MapVideo();
    app.MapVideoPlayer();
    app.MapVideoRenders();
    app.MapVideoFiles();
}

app.LogWhenStarted();
await app.RunAsync();
return 0;

public partial class Program;
