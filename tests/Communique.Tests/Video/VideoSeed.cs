using System.Diagnostics;
using System.Net;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Tenancy;
using Communique.Tests.Infrastructure;
using Communique.Video;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Video;

// A team's video communication with a personalised line and a button, and a data source of three people, made
// through the API; and its shared background made Ready by hand with a plain clip, which spares the tests a render.
public sealed record VideoSeed(
    string ProjectId, string ProjectName, string CommunicationName, Guid CommunicationId, Guid SourceId,
    IReadOnlyDictionary<string, Guid> Uuids)
{
    public const string TextColour = "#ffff00";

    // The line's box: 40,40 520x100; it shows from 1 s to 3.5 s. The button shows from 2 s.
    public static object Content(string prefix = "Hello") => new
    {
        width = 640, height = 360, frameRate = 25,
        scenes = new[]
        {
            new
            {
                duration = 4, background = new { colour = "#102030" },
                layers = new object[]
                {
                    new
                    {
                        type = "text", text = prefix + " {{ NAME }}", x = 40, y = 40, width = 520, height = 100,
                        size = 48, align = "left", start = 1, end = 3.5, colour = TextColour, bold = true,
                    },
                },
            },
        },
        ctas = new[]
        {
            new { label = "Book, {{ NAME }}", url = "https://shop.example/{{ uuid }}", start = 2, x = 220, y = 280,
                width = 200, height = 50 },
        },
    };

    public static async Task<VideoSeed> CreateAsync(HttpClient admin, string prefix = "Hello")
    {
        var projectName = "Films " + Guid.NewGuid().ToString("N")[..6];
        var project = (await (await admin.PostJsonAsync("/projects", new { name = projectName }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var communicationName = "Welcome " + Guid.NewGuid().ToString("N")[..6];
        var communication = (await (await admin.PostJsonAsync($"/projects/{project}/communications",
            new { name = communicationName, channel = "video", content = Content(prefix) }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        using var form = new MultipartFormDataContent { { new StringContent("People " + projectName), "name" } };
        var file = new ByteArrayContent("NAME,CITY\nAda,London\nGrace,Arlington\nEdsger,Austin\n"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var records = await (await admin.GetAsync($"/data/{source}/records")).JsonAsync();
        var uuids = records.GetProperty("items").EnumerateArray().ToDictionary(
            r => r.GetProperty("values").Str("NAME"), r => Guid.Parse(r.Str("uuid")));
        return new VideoSeed(
            project, projectName, communicationName, Guid.Parse(communication), Guid.Parse(source), uuids);
    }

    public async Task<string> AddressAsync(HttpClient admin)
    {
        var answer = await (await admin.GetAsync(
                $"/data/projects/{Uri.EscapeDataString(ProjectName)}/communications/"
                + $"{Uri.EscapeDataString(CommunicationName)}/videoUrl"))
            .JsonAsync();
        return answer.Str("videoUrl");
    }

    // What the video-render job does for the shared background, done by hand with a plain clip: an MP4 made with
    // ffmpeg, stored in the blob store, and the render row set Ready.
    public async Task MakeBackgroundReadyAsync(IServiceProvider services, Guid teamId)
    {
        var folder = Directory.CreateTempSubdirectory("communique-video-bg-").FullName;
        try
        {
            var file = Path.Combine(folder, "bg.mp4");
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[]
                     {
                         "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                         "color=c=0x102030:s=640x360:r=25", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t",
                         "4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", file,
                     })
            {
                start.ArgumentList.Add(argument);
            }

            using (var ffmpeg = Process.Start(start)!)
            {
                var errors = ffmpeg.StandardError.ReadToEndAsync();
                await ffmpeg.WaitForExitAsync();
                Assert.True(ffmpeg.ExitCode == 0, await errors);
            }

            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(teamId);
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var template = await scope.ServiceProvider.GetRequiredService<VideoTemplates>()
                .CurrentAsync(db, CommunicationId, CancellationToken.None);
            var render = await VideoRenders.EnsureBackgroundAsync(db,
                scope.ServiceProvider.GetRequiredService<VideoPlanner>(), template!, CancellationToken.None);
            await using var bytes = File.OpenRead(file);
            var stored = Assert.IsType<BlobPutResult.Stored>(await scope.ServiceProvider
                .GetRequiredService<IBlobStore>().PutAsync(bytes, 100_000_000, CancellationToken.None));
            await db.VideoRenders.Where(r => r.Id == render!.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, VideoRenderState.Ready).SetProperty(r => r.VideoHash, stored.Hash)
                .SetProperty(r => r.Length, stored.Length).SetProperty(r => r.DurationSeconds, 4));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
