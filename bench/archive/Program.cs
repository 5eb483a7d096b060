// The archive benchmark, through the HTTP API of a running server: ingests ENTRIES documents (a 1.5 KB letter each,
// with a unique customer name and policy number, 20 words of a 1,000-word vocabulary, and metadata) with CLIENTS
// concurrent clients and reports the rate; then runs SEARCHES searches one at a time of each kind — by recipient, by
// a metadata field, by a one-minute time range, by a rare word of the text (a customer's name) and by two common
// words (each in about 2 % of the entries) — and reports their latency; last it verifies the whole log (the job the
// API runs) and reports how long that took.
//
//   archive-bench <api> <token> <customer id> <server pid>      (ENTRIES=1000000 CLIENTS=32 SEARCHES=300)
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

var (api, token, customer, serverPid) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
int Setting(string name, int fallback) =>
    int.Parse(Environment.GetEnvironmentVariable(name) ?? fallback.ToString(CultureInfo.InvariantCulture),
        CultureInfo.InvariantCulture);
var entries = Setting("ENTRIES", 1_000_000);
var clients = Setting("CLIENTS", 32);
var searches = Setting("SEARCHES", 300);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients })
{
    BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(30),
};
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
http.DefaultRequestHeaders.Add("PB-Customer-Id", customer);

var vocabulary = Enumerable.Range(0, 1000).Select(Word).ToArray();

// A pronounceable word per number, so that the vocabulary reads like text to the tokenisers.
static string Word(int n)
{
    const string consonants = "bdfgklmnprstvz";
    const string vowels = "aeiou";
    var word = new StringBuilder();
    for (var i = 0; i < 3; i++)
    {
        word.Append(consonants[n % consonants.Length]).Append(vowels[(n / consonants.Length) % vowels.Length]);
        n = n / 7 + i * 13;
    }

    return word.ToString();
}

string Name(int i) => "Cust" + Word(i % 997) + i.ToString(CultureInfo.InvariantCulture);
string Policy(int i) => "P-" + i.ToString("D7", CultureInfo.InvariantCulture);
string Recipient(int i) => $"customer{i}@example.org";

string[] WordsOf(int i)
{
    var random = new Random(i);
    return [.. Enumerable.Range(0, 20).Select(_ => vocabulary[random.Next(vocabulary.Length)])];
}

byte[] Letter(int i)
{
    var text = new StringBuilder();
    text.Append("Dear ").Append(Name(i)).Append(",\n\nYour policy ").Append(Policy(i))
        .Append(" renews on 2027-01-").Append(1 + i % 28).Append(". The premium is ").Append(100 + i % 900)
        .Append(".00 a year.\n\n");
    while (text.Length < 1500)
    {
        text.Append(string.Join(' ', WordsOf(i + text.Length))).Append(".\n");
    }

    return Encoding.UTF8.GetBytes(text.ToString(0, 1500));
}

long Rss() => long.Parse(
    File.ReadLines($"/proc/{serverPid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

async Task IngestAsync(int i)
{
    using var form = new MultipartFormDataContent
    {
        { new StringContent(Recipient(i)), "recipient" },
        { new StringContent($"{{\"policy\":\"{Policy(i)}\",\"region\":\"R{i % 20}\"}}"), "metadata" },
        { new StringContent(Name(i) + " " + string.Join(' ', WordsOf(i))), "text" },
    };
    var file = new ByteArrayContent(Letter(i));
    file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
    form.Add(file, "file", "letter.txt");
    using var response = await http.PostAsync("/archive/entries", form);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"ingest {i}: {(int)response.StatusCode} "
            + await response.Content.ReadAsStringAsync());
    }
}

Console.WriteLine($"ingest: {entries} entries of 1,500 bytes with metadata and text, {clients} clients");
var times = new ConcurrentQueue<(int I, DateTime At)>();
var next = -1;
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < entries)
    {
        await IngestAsync(i);
        if (i % 100_000 == 0 && i > 0)
        {
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(FormattableString.Invariant(
                $"  {i} entries in {seconds:F0} s ({i / seconds:F0}/s so far), server RSS {Rss()} MB"));
        }
    }
}));
var ingestSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant(
    $"ingest: {entries} entries in {ingestSeconds:F1} s: {entries / ingestSeconds:F0} entries/s; ")
    + FormattableString.Invariant($"server RSS {Rss()} MB"));

// The time range of the entries, from the newest and the oldest.
async Task<JsonNode> GetAsync(string path)
{
    using var response = await http.GetAsync(path);
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
    }

    return JsonNode.Parse(body)!;
}

var newest = (await GetAsync("/archive/entries?limit=1"))["items"]![0]!["createdAt"]!.GetValue<DateTime>();
var random = new Random(7);
var kinds = new (string Name, Func<string> Query)[]
{
    ("recipient", () => $"?recipient={Recipient(random.Next(entries))}"),
    ("metadata field", () => $"?metadata.policy={Policy(random.Next(entries))}"),
    ("one-minute time range", () =>
    {
        var from = newest.AddSeconds(-random.Next((int)Math.Max(ingestSeconds, 60)));
        return $"?from={from:O}&to={from.AddMinutes(1):O}";
    }),
    ("text: a rare word", () => $"?text={Name(random.Next(entries))}"),
    ("text: two common words", () =>
        $"?text={vocabulary[random.Next(vocabulary.Length)]}%20{vocabulary[random.Next(vocabulary.Length)]}"),
};
foreach (var (name, query) in kinds)
{
    var latencies = new List<double>();
    var found = 0L;
    for (var s = 0; s < searches; s++)
    {
        var path = "/archive/entries" + query() + "&limit=50";
        var started = Stopwatch.GetTimestamp();
        var page = await GetAsync(path);
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        found += page["items"]!.AsArray().Count;
    }

    latencies.Sort();
    double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
    Console.WriteLine(FormattableString.Invariant(
        $"search by {name}: {searches} searches, p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, max {latencies[^1]:F1} ms; ")
        + FormattableString.Invariant($"{(double)found / searches:F1} entries a page"));
}

clock.Restart();
var job = (await PostAsync("/archive/verify"))["id"]!.GetValue<string>();
JsonNode done;
while ((done = await GetAsync($"/jobs/{job}"))["state"]!.GetValue<string>() is "queued" or "running")
{
    await Task.Delay(100);
}

Console.WriteLine(FormattableString.Invariant(
    $"verify: {done["state"]} in {clock.Elapsed.TotalSeconds:F1} s: {done["result"]}; server RSS {Rss()} MB"));

async Task<JsonNode> PostAsync(string path)
{
    using var response = await http.PostAsync(path, null);
    var body = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode
        ? JsonNode.Parse(body)!
        : throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {body}");
}
