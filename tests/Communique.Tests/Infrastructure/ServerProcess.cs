using System.Diagnostics;
using System.Net;

namespace Communique.Tests.Infrastructure;

// The real server program in a process of its own (the build of src/Communique next to this test build), for tests
// that must kill it. Output goes to a file in its data directory; the process is killed when disposed.
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputLog _log;

    private ServerProcess(Process process, OutputLog log, int port)
    {
        _process = process;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    // A server of both roles on its own data folder, relaying through one loopback SMTP server on the given number
    // of connections, with a short job lease so that a restarted server takes over a killed one's jobs quickly.
    public static Dictionary<string, string> RelayEnvironment(string dataDirectory, int relayPort, int connections) =>
        new()
        {
            ["Storage__DataDirectory"] = dataDirectory,
            ["Communique__Role"] = "Both",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Auth__TeamRequestsPerWindow"] = "100000000",
            ["Jobs__LeaseSeconds"] = "3",
            ["Mail__PublicBaseUrl"] = "https://mail.acme.example",
            ["Mail__SendParallelism"] = $"{connections}",
            ["Mail__Relays__0__Host"] = "127.0.0.1",
            ["Mail__Relays__0__Port"] = relayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail__Relays__0__Security"] = "None",
            ["Mail__Relays__0__MaxConnections"] = $"{connections}",
        };

    public static async Task<ServerProcess> StartAsync(
        IReadOnlyDictionary<string, string> environment, string logFile, string? workingDirectory = null)
    {
        var port = SmtpSink.FreePort();
        var process = Run(environment, workingDirectory, "--urls", $"http://127.0.0.1:{port}");
        var log = new OutputLog(logFile);
        process.OutputDataReceived += (_, e) => log.Write(e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, port);
        using var http = new HttpClient { BaseAddress = server.Address };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(
                process.HasExited,
                $"the server exited with {(process.HasExited ? process.ExitCode : 0)}; see {logFile}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the server did not become ready; see {logFile}");
            await Task.Delay(100);
        }
    }

    // Runs an operator command (`admin create-account ...`) to its end and returns what it printed.
    public static async Task<string> CommandAsync(
        IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Run(environment, null, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await errors);
        return await output;
    }

    // `admin create-account --format env`, as a newcomer runs it: the exported variables by name
    // (COMMUNIQUE_CUSTOMER_ID, COMMUNIQUE_CLIENT_ID, COMMUNIQUE_CLIENT_SECRET, ...).
    public static async Task<Dictionary<string, string>> CreateAccountAsync(
        IReadOnlyDictionary<string, string> environment)
    {
        var printed = await CommandAsync(environment, "admin", "create-account", "--name", "Acme Corp",
            "--admin-email", "admin@acme.example", "--format", "env");
        return printed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));
    }

    // A client of this server signed in with the account's credential, with both headers a private call needs.
    public async Task<HttpClient> ClientAsync(Dictionary<string, string> account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var api = new HttpClient { BaseAddress = Address };
        var token = (await (await api.PostJsonAsync("/authenticate", new
        {
            client_id = account["COMMUNIQUE_CLIENT_ID"], secret = account["COMMUNIQUE_CLIENT_SECRET"],
            customer_id = account["COMMUNIQUE_CUSTOMER_ID"],
        })).JsonAsync()).GetString();
        api.DefaultRequestHeaders.Authorization =
            new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        api.DefaultRequestHeaders.Add("PB-Customer-Id", account["COMMUNIQUE_CUSTOMER_ID"]);
        return api;
    }

    // SIGTERM, as a supervisor stops it: returns how long the process took to exit.
    public async Task<TimeSpan> StopAsync(TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM",
            _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(within);
        return clock.Elapsed;
    }

    // SIGKILL: no shutdown, no flushing, no goodbye to the mail server.
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        _log.Dispose();

        return ValueTask.CompletedTask;
    }

    private static Process Run(
        IReadOnlyDictionary<string, string> environment, string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        start.ArgumentList.Add(Program());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    // src/Communique/bin/<configuration>/<framework>/<runtime>/communique.dll, built with this test project.
    private static string Program()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (runtime, framework, configuration) = (here.Name, here.Parent!.Name, here.Parent.Parent!.Name);
        var root = here;
        while (!File.Exists(Path.Combine(root.FullName, "Communique.slnx")))
        {
            root = root.Parent
                ?? throw new InvalidOperationException(
                    "The repository root was not found above " + AppContext.BaseDirectory);
        }

        var program = Path.Combine(
            root.FullName, "src", "Communique", "bin", configuration, framework, runtime, "communique.dll");
        Assert.True(File.Exists(program), program + " is not built");
        return program;
    }
}

// Lines a process prints, appended to a file until it is closed.
internal sealed class OutputLog(string path) : IDisposable
{
    private readonly StreamWriter _writer = File.AppendText(path);
    private bool _closed;

    public void Write(string? line)
    {
        lock (_writer)
        {
            if (line is not null && !_closed)
            {
                _writer.WriteLine(line);
                _writer.Flush();
            }
        }
    }

    public void Dispose()
    {
        lock (_writer)
        {
            _closed = true;
            _writer.Dispose();
        }
    }
}
