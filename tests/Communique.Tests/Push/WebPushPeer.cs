using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Communique.Tests.Push;

// A browser's side of a Web Push subscription: a P-256 key pair and an auth secret, as PushManager.subscribe makes
// them, and a check of what a sender posted to the subscription's endpoint by code the project did not write
// (Node/webpush-check.mjs: the reference http_ece decrypts the body, jose verifies the VAPID token). Node's packages
// come from Node/package-lock.json; test.sh installs them before the tests, and the first check installs them when a
// test run started some other way finds them missing.
public sealed class WebPushPeer : IDisposable
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Push", "Node");
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static bool _installed;

    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _auth = RandomNumberGenerator.GetBytes(16);

    // The subscription's keys as PushSubscription.toJSON() gives them: the 65-byte point and the 16-byte secret.
    public string P256dh => Base64Url.EncodeToString(Point(_key.ExportParameters(false)));

    public string Auth => Base64Url.EncodeToString(_auth);

    // The body decrypted and the token's claims, once both pass; a failed assertion with the checker's reason if not.
    // A sender on a test's clock passes that clock's time, against which the token's exp is judged.
    public async Task<(string Plaintext, JsonElement Claims)> CheckAsync(
        byte[] body, string authorization, string audience, DateTimeOffset? now = null,
        CancellationToken cancellationToken = default)
    {
        var (code, output, errors) = await RunCheckAsync(body, authorization, audience, now, cancellationToken);
        Assert.True(code == 0, $"webpush-check refused the request: {errors}");
        using var result = JsonDocument.Parse(output);
        return (result.RootElement.GetProperty("plaintext").GetString()!,
            result.RootElement.GetProperty("claims").Clone());
    }

    // The checker's reason for refusing a request that must not pass; a failed assertion if it passed.
    public async Task<string> RefusalAsync(
        byte[] body, string authorization, string audience, DateTimeOffset? now = null,
        CancellationToken cancellationToken = default)
    {
        var (code, output, errors) = await RunCheckAsync(body, authorization, audience, now, cancellationToken);
        Assert.True(code != 0, $"webpush-check accepted the request: {output}");
        return errors.Trim();
    }

    public void Dispose() => _key.Dispose();

    private async Task<(int Code, string Output, string Errors)> RunCheckAsync(
        byte[] body, string authorization, string audience, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        await InstallAsync(cancellationToken);
        var key = _key.ExportParameters(true);
        var input = JsonSerializer.Serialize(new
        {
            body = Convert.ToBase64String(body),
            privateKey = Base64Url.EncodeToString(Fixed(key.D!)),
            publicKey = Base64Url.EncodeToString(Point(key)),
            auth = Auth,
            authorization,
            audience,
            now = now?.ToUnixTimeSeconds(),
        });
        return await RunAsync("node", ["webpush-check.mjs"], input, TimeSpan.FromSeconds(30), cancellationToken);
    }

    // Once per test run, and once across test processes that share the output folder: npm ci replaces the folder's
    // node_modules as a whole, so two at once would remove each other's files.
    private static async Task InstallAsync(CancellationToken cancellationToken)
    {
        if (_installed)
        {
            return;
        }

        await Installing.WaitAsync(cancellationToken);
        try
        {
            if (!Installed())
            {
                await using var held = await LockAsync(cancellationToken);
                if (!Installed())
                {
                    var (code, output, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], "",
                        TimeSpan.FromMinutes(5), cancellationToken);
                    Assert.True(code == 0, $"npm ci in {Folder} exited with {code}: {errors}{output}");
                }
            }

            _installed = true;
        }
        finally
        {
            Installing.Release();
        }

        static bool Installed() => File.Exists(Path.Combine(Folder, "node_modules", "http_ece", "package.json"))
            && File.Exists(Path.Combine(Folder, "node_modules", "jose", "package.json"));
    }

    private static async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(Folder, ".install.lock"), FileMode.OpenOrCreate,
                    FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string program,
        string[] arguments, string input, TimeSpan limit, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            throw new InvalidOperationException($"{program} is missing: apt-get install nodejs npm", missing);
        }

        using var started = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    private static byte[] Point(ECParameters key) => [0x04, .. Fixed(key.Q.X!), .. Fixed(key.Q.Y!)];

    // A P-256 coordinate or scalar as the 32 bytes the encodings expect, whatever length the platform gave.
    private static byte[] Fixed(byte[] value) =>
        value.Length >= 32 ? value[^32..] : [.. new byte[32 - value.Length], .. value];
}
