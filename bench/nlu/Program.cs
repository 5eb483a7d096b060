// The NLU benchmark, through the HTTP API of a running server: imports CLINC150's train split (and its
// out-of-scope training examples as the intent out_of_scope), trains a version (the job the API runs), activates it,
// parses val and oos_val one request at a time, chooses the out-of-scope threshold on them, and reports in-scope
// accuracy (an in-scope query rejected counts as an error) and out-of-scope recall. With --test FILE (keys test and
// oos_test), it then parses those with the threshold chosen on val — nothing is tuned on them. Last, parse latency
// and throughput with CLIENTS concurrent clients.
//
//   nlu-bench <api> <token> <customer id> <train_val.json> <server pid> [--test FILE]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

var (api, token, customer, dataFile, serverPid) = (args[0], args[1], args[2], args[3],
    int.Parse(args[4], CultureInfo.InvariantCulture));
var testFile = args.Length > 6 && args[5] == "--test" ? args[6] : null;
var clients = int.Parse(Environment.GetEnvironmentVariable("CLIENTS") ?? "4", CultureInfo.InvariantCulture);
var throughputParses = int.Parse(Environment.GetEnvironmentVariable("PARSES") ?? "3000", CultureInfo.InvariantCulture);

using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(10) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
http.DefaultRequestHeaders.Add("PB-Customer-Id", customer);

var data = JsonNode.Parse(File.ReadAllText(dataFile))!;
List<(string Text, string Intent)> Split(JsonNode root, string key) =>
    [.. root[key]!.AsArray().Select(p => (p![0]!.GetValue<string>(), p[1]!.GetValue<string>()))];
var (train, val, oosTrain, oosVal) = (Split(data, "train"), Split(data, "val"), Split(data, "oos_train"),
    Split(data, "oos_val"));
Console.WriteLine($"CLINC150: train {train.Count} + oos_train {oosTrain.Count}; "
    + $"val {val.Count} + oos_val {oosVal.Count}");

async Task<JsonNode> Call(HttpMethod method, string path, HttpContent? content = null)
{
    using var request = new HttpRequestMessage(method, path) { Content = content };
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {body}");
    }

    return JsonNode.Parse(body)!;
}

// The server's resident memory in MB: all of it, then its anonymous part (heaps, native arenas), its file-backed part
// (mapped code and libraries) and its shared part (the runtime maps its JIT-compiled code twice, through shared
// memory, so that no page is writable and executable at once).
string Memory()
{
    var status = File.ReadLines($"/proc/{serverPid}/status").ToList();
    long Mb(string key) => long.Parse(
        status.First(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
        CultureInfo.InvariantCulture) / 1024;
    return $"{Mb("VmRSS:")} MB (anonymous {Mb("RssAnon:")}, files {Mb("RssFile:")}, shared {Mb("RssShmem:")})";
}

// After a training the server gives memory back; a few seconds is all it should take.
async Task<string> Settled()
{
    await Task.Delay(TimeSpan.FromSeconds(5));
    return Memory();
}

var csv = new StringBuilder("text,intent\n");
foreach (var (text, intent) in train.Concat(oosTrain.Select(o => (o.Text, "out_of_scope"))))
{
    csv.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",").Append(intent)
        .Append('\n');
}

async Task<string> CreateModel(string name)
{
    var id = (await Call(HttpMethod.Post, "/nlu/models", JsonContent.Create(new { name })))["id"]!.GetValue<string>();
    var imported = await Call(HttpMethod.Post, $"/nlu/models/{id}/import",
        new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
    Console.WriteLine($"imported into {name}: {imported.ToJsonString()}");
    return id;
}

async Task<JsonNode> TrainAndActivate(string id)
{
    var trained = await Call(HttpMethod.Post, $"/nlu/models/{id}/versions");
    while (trained["state"]!.GetValue<string>() == "training")
    {
        await Task.Delay(250);
        trained = await Call(HttpMethod.Get, $"/nlu/models/{id}/versions/{trained["number"]}");
    }

    if (trained["state"]!.GetValue<string>() != "ready")
    {
        throw new InvalidOperationException($"training failed: {trained.ToJsonString()}");
    }

    await Call(HttpMethod.Post, $"/nlu/models/{id}/versions/{trained["number"]}/activate");
    return trained;
}

var model = await CreateModel("CLINC150");
Console.WriteLine($"server memory, idle (started, data imported, nothing trained or parsed): {Memory()}");

var clock = Stopwatch.StartNew();
var version = await TrainAndActivate(model);
var trainingWall = clock.Elapsed.TotalSeconds;
Console.WriteLine($"server memory, training just ended: {Memory()}; 5 s later: {await Settled()}");
var metrics = version["metrics"]!;
var heldOut = metrics["heldOut"]!.ToJsonString();
Console.WriteLine($"training: {trainingWall:F1} s from the request to ready (job: {metrics["trainingSeconds"]} s, "
    + $"of which embedding {metrics["embeddingSeconds"]} s); artefact {version["artifactBytes"]} bytes; "
    + $"threshold tuned in training {version["threshold"]}; "
    + $"held-out: {heldOut[..Math.Min(300, heldOut.Length)]}");

async Task<(string? Intent, string Best, double InScope, double Ms)> Parse(string text, string? on = null)
{
    var started = Stopwatch.GetTimestamp();
    var parsed = await Call(HttpMethod.Post, $"/nlu/models/{on ?? model}/parse", JsonContent.Create(new { text }));
    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    return (parsed["intent"]?["name"]?.GetValue<string>(), parsed["ranking"]![0]!["name"]!.GetValue<string>(),
        parsed["inScopeConfidence"]!.GetValue<double>(), ms);
}

await Parse(val[0].Text);
Console.WriteLine($"server memory, the version loaded (one parse): {Memory()}");
var trainedThreshold = version["threshold"]!.GetValue<double>();

async Task<List<(string Expected, string Best, double InScope)>> ParseAll(
    IEnumerable<(string Text, string Intent)> items)
{
    var results = new List<(string, string, double)>();
    foreach (var (text, intent) in items)
    {
        var r = await Parse(text);
        results.Add((intent, r.Best, r.InScope));
    }

    return results;
}

(double Accuracy, double Recall) Score(List<(string Expected, string Best, double InScope)> inScope,
    List<(string Expected, string Best, double InScope)> oos, double threshold) =>
    (inScope.Count(r => r.Best == r.Expected && r.InScope >= threshold) / (double)inScope.Count,
        oos.Count(r => r.InScope < threshold) / (double)oos.Count);

var valResults = await ParseAll(val);
var oosValResults = await ParseAll(oosVal);
// The rule training uses, applied to oos_val: the threshold under which 75 % of its examples fall.
var sorted = oosValResults.Select(r => r.InScope).Order().ToList();
var chosen = Math.BitIncrement(sorted[(int)Math.Ceiling(0.75 * sorted.Count) - 1]);
var noRejection = valResults.Count(r => r.Best == r.Expected) / (double)valResults.Count;
var atTrained = Score(valResults, oosValResults, trainedThreshold);
var atChosen = Score(valResults, oosValResults, chosen);
Console.WriteLine($"val: no rejection {noRejection:P2}; threshold from training {trainedThreshold:F4}: "
    + $"in-scope {atTrained.Accuracy:P2}, out-of-scope recall {atTrained.Recall:P1}");
Console.WriteLine($"val: threshold chosen on val/oos_val {chosen:F4}: "
    + $"in-scope {atChosen.Accuracy:P2}, out-of-scope recall {atChosen.Recall:P1}");

if (testFile is not null)
{
    var test = JsonNode.Parse(File.ReadAllText(testFile))!;
    var (testIn, testOos) = (Split(test, "test"), Split(test, "oos_test"));
    var testResults = await ParseAll(testIn);
    var oosTestResults = await ParseAll(testOos);
    var atTest = Score(testResults, oosTestResults, chosen);
    Console.WriteLine($"TEST ({testIn.Count} + {testOos.Count}), threshold chosen on val {chosen:F4}: "
        + $"in-scope accuracy {atTest.Accuracy:P2}, out-of-scope recall {atTest.Recall:P1} "
        + $"(no rejection {testResults.Count(r => r.Best == r.Expected) / (double)testResults.Count:P2})");
}

// Latency one at a time (the val parses above), then throughput with concurrent clients.
var single = new List<double>();
foreach (var (text, _) in val.Take(1000))
{
    single.Add((await Parse(text)).Ms);
}

single.Sort();
Console.WriteLine($"parse latency, one client, 1000 parses: "
    + $"p50 {single[500]:F2} ms, p90 {single[900]:F2} ms, p99 {single[990]:F2} ms");
var next = -1;
var latencies = new double[throughputParses];
var cpu = Process.GetProcessById(serverPid).TotalProcessorTime;
clock.Restart();
await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < throughputParses)
    {
        latencies[i] = (await Parse(val[i % val.Count].Text)).Ms;
    }
}));
var seconds = clock.Elapsed.TotalSeconds;
var serverCpu = (Process.GetProcessById(serverPid).TotalProcessorTime - cpu).TotalMilliseconds / throughputParses;
Array.Sort(latencies);
Console.WriteLine($"throughput, {clients} clients, {throughputParses} parses: "
    + $"{throughputParses / seconds:F0} parses/s, p50 {latencies[throughputParses / 2]:F2} ms, "
    + $"p99 {latencies[throughputParses * 99 / 100]:F2} ms; server CPU {serverCpu:F2} ms per parse");
Console.WriteLine($"server memory after the parses: {Memory()}");

// Memory per loaded version: VERSIONS - 1 more models with the same data, each trained once (so the process trains
// VERSIONS times in all), then their versions loaded one after another.
var versions = int.Parse(Environment.GetEnvironmentVariable("VERSIONS") ?? "3", CultureInfo.InvariantCulture);
var more = new List<string>();
for (var m = 2; m <= versions; m++)
{
    var id = await CreateModel($"CLINC150 #{m}");
    await TrainAndActivate(id);
    more.Add(id);
}

if (more.Count > 0)
{
    Console.WriteLine($"server memory, {versions} trainings done, one version loaded, 5 s later: {await Settled()}");
    foreach (var id in more)
    {
        await Parse(val[0].Text, id);
    }

    Console.WriteLine($"server memory, {versions} versions loaded: {Memory()}");
}
