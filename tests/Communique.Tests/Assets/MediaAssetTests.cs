using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Assets;

// Video and audio made by ffmpeg in each test, uploaded through HTTP and probed by the server's ffprobe.
public abstract class MediaAssetTests(Provider provider) : IAsyncLifetime
{
    private const int MaxSeconds = 4;
    private const int MaxMediaBytes = 1_000_000;

    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private string _work = null!;
    private string _mediaTemp = null!;

    public async ValueTask InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("communique-media-test-").FullName;
        _mediaTemp = Path.Combine(_work, "probing");
        _host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Assets:MaxMediaSeconds"] = MaxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Assets:MaxMediaBytes"] = MaxMediaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Assets:MediaTempDirectory"] = _mediaTemp,
        });
        var acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    // A clip of the test pattern with a tone, as the product's users export them.
    private Task<byte[]> VideoAsync(int seconds = 2, string size = "320x240") => FfmpegAsync("clip.mp4",
        "-f", "lavfi", "-i", $"testsrc=size={size}:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", $"{seconds}", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac");

    private Task<byte[]> WavAsync() =>
        FfmpegAsync("tone.wav", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1");

    private Task<byte[]> M4aAsync() =>
        FfmpegAsync("tone.m4a", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:a", "aac");

    // ffmpeg started directly with its arguments as a list: nothing here passes through a shell either.
    private async Task<byte[]> FfmpegAsync(string output, params string[] arguments)
    {
        var path = Path.Combine(_work, output);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, WorkingDirectory = _work };
        foreach (var argument in (string[])["-v", "error", "-y", "-nostdin", .. arguments, path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"ffmpeg exited with {process.ExitCode}: {errors}");
        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }

    private async Task<HttpResponseMessage> UploadAsync(
        byte[] bytes, string contentType, string kind, string fileName)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(kind), "kind");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await _admin.PostAsync("/assets", form);
    }

    private async Task<string> RefusalAsync(byte[] bytes, string contentType, string kind, string fileName)
    {
        var problem = await (await UploadAsync(bytes, contentType, kind, fileName))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var detail = problem.Str("detail");
        Assert.DoesNotContain(_work, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("communique-media", detail, StringComparison.Ordinal);
        Assert.Empty(StoredBlobs());
        return detail;
    }

    private string[] StoredBlobs()
    {
        var root = Path.Combine(_host.Database.Folder, "blobs");
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(root, f).StartsWith("tmp", StringComparison.Ordinal)).ToArray()
            : [];
    }

    private string[] LeftInTemp() =>
        Directory.Exists(_mediaTemp) ? Directory.GetFileSystemEntries(_mediaTemp) : [];

    [Fact]
    public async Task A_video_and_an_audio_file_are_stored_with_the_duration_and_size_ffprobe_found()
    {
        var video = await VideoAsync();
        var clip = await (await UploadAsync(video, "video/mp4", "video", "clip.mp4"))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("video", clip.Str("kind"));
        Assert.Equal("video/mp4", clip.Str("contentType"));
        Assert.Equal(2.0, clip.GetProperty("durationSeconds").GetDouble(), 0.1);
        Assert.Equal(320, clip.GetProperty("width").GetInt32());
        Assert.Equal(240, clip.GetProperty("height").GetInt32());
        Assert.Equal(video, await (await _admin.GetAsync($"/assets/{clip.Str("id")}/content"))
            .Content.ReadAsByteArrayAsync());

        var tone = await (await UploadAsync(await WavAsync(), "audio/x-wav", "audio", "tone.wav"))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("audio/wav", tone.Str("contentType"));
        Assert.Equal(1.0, tone.GetProperty("durationSeconds").GetDouble(), 0.05);
        Assert.Equal(JsonValueKind.Null, tone.GetProperty("width").ValueKind);
        Assert.Equal(JsonValueKind.Null, tone.GetProperty("height").ValueKind);

        // An MP4 with sound only is audio.
        var m4a = await (await UploadAsync(await M4aAsync(), "audio/mp4", "audio", "tone.m4a"))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("audio/mp4", m4a.Str("contentType"));

        var listed = (await (await _admin.GetAsync("/assets?kind=video")).JsonAsync()).GetProperty("items");
        Assert.Equal(clip.Str("id"), Assert.Single(listed.EnumerateArray()).Str("id"));
        Assert.Equal(240, (await (await _admin.GetAsync($"/assets/{clip.Str("id")}")).JsonAsync())
            .GetProperty("height").GetInt32());
        Assert.Empty(LeftInTemp());
    }

    [Fact]
    public async Task Text_declared_as_video_is_refused_by_its_bytes()
    {
        var detail = await RefusalAsync(
            Encoding.UTF8.GetBytes("not a video at all\n"), "video/mp4", "video", "clip.mp4");

        Assert.Equal("file: The file is refused: declared video/mp4 but the bytes are UTF-8 text.", detail);
    }

    [Fact]
    public async Task An_mp4_cut_after_its_first_2_KB_is_refused_with_ffprobes_reason()
    {
        var detail = await RefusalAsync((await VideoAsync())[..2048], "video/mp4", "video", "cut.mp4");

        Assert.StartsWith("file: The file is refused: ffprobe could not read it: ", detail, StringComparison.Ordinal);
        Assert.Contains("moov atom not found", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("@ 0x", detail, StringComparison.Ordinal);
        Assert.Empty(LeftInTemp());
    }

    [Fact]
    public async Task A_video_longer_than_the_limit_is_refused_naming_both_durations()
    {
        var detail = await RefusalAsync(await VideoAsync(seconds: 6, size: "64x48"), "video/mp4", "video", "long.mp4");

        Assert.Equal($"file: The file is refused: it lasts 6 s; at most {MaxSeconds} s.", detail);
        Assert.Empty(LeftInTemp());
    }

    [Fact]
    public async Task Sound_without_a_picture_is_not_a_video()
    {
        var m4a = await M4aAsync();

        var detail = await RefusalAsync(m4a, "video/mp4", "video", "tone.mp4");
        Assert.Equal("file: The file is refused: it has no video stream.", detail);
        var wrongType = await RefusalAsync(m4a, "audio/mp4", "video", "tone.mp4");
        Assert.Equal("file: The file is refused: audio/mp4 is not accepted as a video.", wrongType);
        var pictureAsAudio = await RefusalAsync(await VideoAsync(), "audio/mp4", "audio", "clip.m4a");
        Assert.Equal("file: The file is refused: it has a video stream (upload it as kind video).", pictureAsAudio);
    }

    [Fact]
    public async Task A_file_name_with_shell_metacharacters_is_only_a_name()
    {
        const string name = "clip; touch pwned $(id).mp4";

        var clip = await (await UploadAsync(await VideoAsync(), "video/mp4", "video", name))
            .JsonAsync(HttpStatusCode.Created);

        Assert.Equal(name, clip.Str("name"));
        foreach (var folder in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetTempPath() })
        {
            Assert.Empty(Directory.GetFileSystemEntries(folder, "*pwned*"));
        }

        Assert.Empty(Directory.GetFileSystemEntries(_work, "*pwned*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFileSystemEntries(_host.Database.Folder, "*pwned*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task No_temporary_file_outlives_its_upload_whether_accepted_refused_or_too_large()
    {
        var video = await VideoAsync();
        await (await UploadAsync(video, "video/mp4", "video", "a.mp4")).JsonAsync(HttpStatusCode.Created);
        await (await UploadAsync(video[..4096], "video/mp4", "video", "b.mp4")).ProblemAsync(HttpStatusCode.BadRequest);
        var padded = new byte[MaxMediaBytes + 1];
        video.CopyTo(padded, 0);
        await (await UploadAsync(padded, "video/mp4", "video", "c.mp4"))
            .ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.True(Directory.Exists(_mediaTemp));
        Assert.Empty(LeftInTemp());
        Assert.Single(StoredBlobs());
    }

    [Fact]
    public async Task A_probe_that_outlasts_its_time_limit_is_refused_and_its_ffprobe_killed()
    {
        // ffprobe waits for a writer to open a named pipe, so it never finishes on its own.
        var fifo = Path.Combine(_work, "never-written");
        var mkfifo = new ProcessStartInfo("mkfifo");
        mkfifo.ArgumentList.Add(fifo);
        using (var made = Process.Start(mkfifo)!)
        {
            await made.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, made.ExitCode);
        }

        var probing = _host.Service<MediaProbe>().ProbeAsync(
            fifo, ContentFormat.IsoMedia, TestContext.Current.CancellationToken);
        await WaitForAsync(() => ProbesOf(fifo) > 0);
        _host.Clock.Advance(MediaProbe.TimeLimit);
        var (media, refusal) = await probing.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Null(media);
        Assert.Equal("ffprobe did not finish reading it within 10 s", refusal);
        await WaitForAsync(() => ProbesOf(fifo) == 0);
    }

    // The ffprobe processes whose command line names the file.
    private static int ProbesOf(string path) => Directory.GetDirectories("/proc")
        .Where(d => int.TryParse(Path.GetFileName(d), out _))
        .Count(d =>
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(d, "cmdline")).Split('\0');
                return command.Length > 0 && Path.GetFileName(command[0]) == "ffprobe" && command.Contains(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 50)
        {
            Assert.True(waited < 10_000, "waited 10 s in vain");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

public sealed class MediaAssetsOnSqlite() : MediaAssetTests(Provider.Sqlite);

public sealed class MediaAssetsOnPostgres() : MediaAssetTests(Provider.Postgres);
