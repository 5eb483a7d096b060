using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.DataSources.Import;
using Communique.Email;
using Communique.Email.Compose;
using Communique.Email.Dkim;
using Communique.Rendering;
using Communique.Sending;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

// The floor of a campaign send's CPU per email: the same classes a send job uses make the bench's email for a stream
// of records (the record's JSON values typed, Liquid, CSS already inlined into the template, tracking links, MIME),
// sign it (DKIM RSA-2048) and hand it to the SMTP transport, in the send job's shape (eight messages in flight, making
// one per core at a time), with no database at all. Three cases show what each step adds. Prints the process's CPU per
// email (user + sys) and emails/s for each round. Run: bench/email-floor/run.sh (starts the sink).
// Usage: email-floor <sink port> [emails per round]
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var perRound = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
const int Rounds = 3;

var rows = string.Concat(Enumerable.Range(0, 28).Select(i =>
    $"<tr><td class=\"label\">Line {i}</td>"
    + $"<td class=\"value\">{{{{ plan }}}} benefit {i} for {{{{ city }}}}</td></tr>"));
// The template of bench/email/run.sh.
var html = $"""
    <html><head><style>body {"{"} font-family: Arial, sans-serif; color: #222 {"}"} .label {"{"} color: #666; padding: 4px {"}"}
    .value {"{"} font-weight: bold {"}"} h1 {"{"} font-size: 22px; color: #0a4 {"}"} @media (max-width: 600px) {"{"} h1 {"{"} font-size: 18px {"}"} {"}"}</style></head>
    <body><h1>Hello {"{{"} first_name {"}}"} {"{{"} last_name {"}}"}</h1><p>Your balance is {"{{"} balance {"}}"} and you have {"{{"} points {"}}"} points.</p>
    <p>Your plan renews on {"{{"} renewal {"}}"}. Order {"{{"} order_no {"}}"} is on its way; {"{{"} agent {"}}"} will call you.</p>
    <table>{rows}</table><p><a href="https://shop.bench.example/offers?c={"{{"} city {"}}"}">See your offers</a> ·
    <a href="https://shop.bench.example/account">Your account</a></p><p><a href="{"{{"} unsubscribe_url {"}}"}">Unsubscribe</a></p></body></html>
    """;
string[] names = ["email", "first_name", "last_name", "city", "plan", "balance", "renewal", "points", "agent",
    "order_no"];
string[] types = ["string", "string", "string", "string", "string", "number", "date", "number", "string", "string"];
var schema = names.Select((n, i) => new FieldSchema(n, types[i])).ToList();
var standard = DataStandard.For("en-US");
var culture = CultureInfo.GetCultureInfo("en-US");

var data = Directory.CreateTempSubdirectory("communique-email-floor");
try
{
    var master = new MasterKey(
        Options.Create(new AuthOptions()), Options.Create(new StorageOptions { DataDirectory = data.FullName }));
    var liquid = new LiquidTemplates(TimeProvider.System);
    var composer = new MessageComposer(
        new MailTokens(master), Options.Create(new MailOptions { PublicBaseUrl = "https://mail.bench.example" }),
        TimeProvider.System);
    var dkim = new DkimSigning(master, TimeProvider.System);
    var (secret, publicKey) = DkimSigning.Generate(DkimAlgorithm.Rsa);
    var key = new DkimKey
    {
        Domain = "bench.example", Selector = "s1", SealedPrivateKey = master.Seal(secret), PublicKey = publicKey,
        Algorithm = DkimAlgorithm.Rsa,
    };
    var email = composer.Prepare(new EmailContent("Your statement, {{ first_name }}", html, null, null, null, null));
    if (email.InlineCss)
    {
        Console.Error.WriteLine("the template was not inlined once: the floor would not match the server's send");
        return 1;
    }

    await using var transport = new SmtpTransport(
        [new SmtpRelayOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None }],
        NullLogger<SmtpTransport>.Instance);
    var cores = new SemaphoreSlim(Environment.ProcessorCount);
    var from = new MailboxAddress("Bench News", "news@bench.example");
    var next = 0;

    async Task<MimeMessage> MakeAsync(int i, bool sign, CancellationToken cancellationToken)
    {
        var values = JsonSerializer.Serialize(new object[]
        {
            $"reader{i}@example.org", $"First{i}", $"Last{i}", $"City{i % 500}", $"Plan {i % 4}",
            $"{i % 5000}.{i % 100:00}",
            $"2026-{1 + i % 12:00}-{1 + i % 28:00}", $"{i % 10000}", $"Agent {i % 50}", $"ORD-{i:0000000}",
        });
        var links = composer.LinksFor(Guid.CreateVersion7());
        using var parsed = JsonDocument.Parse(values);
        var record = RecordValues.Typed(schema, parsed.RootElement, standard);
        record[MessageLinks.UnsubscribeField] = links.UnsubscribeUrl;
        var (rendered, failure, _) = await EmailRenderer.RenderAsync(
            liquid, email.Content, record, culture, new Dictionary<string, FieldFormat>(), false, cancellationToken);
        if (rendered is null)
        {
            throw new InvalidOperationException(failure!.Message);
        }

        rendered = rendered with { Text = EmailRenderer.Tidy(rendered.Text) };
        var mime = composer.Compose(
            new Envelope(from, new MailboxAddress("", $"reader{i}@example.org")), rendered, links, true,
            inlineCss: false);
        if (sign)
        {
            dkim.Sign(mime, key);
        }

        return mime;
    }

    Console.WriteLine(
        $"email floor: {perRound} emails a round, {html.Length}-byte template, 8 in flight, "
        + $"{Environment.ProcessorCount} cores, {Environment.GetEnvironmentVariable("BENCH_CPU") ?? "cpu unknown"}; "
        + $"dotnet {Environment.Version}; no database");
    foreach (var (name, sign, send) in new[]
    {
        ("make", false, false), ("make + DKIM", true, false), ("make + DKIM + SMTP", true, true),
    })
    {
        for (var round = 0; round <= Rounds; round++)
        {
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var refused = 0;
            await Parallel.ForEachAsync(
                Enumerable.Range(0, perRound), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, token) =>
            {
                MimeMessage mime;
                await cores.WaitAsync(token);
                try
                {
                    mime = await MakeAsync(Interlocked.Increment(ref next), sign, token);
                }
                finally
                {
                    cores.Release();
                }

                if (send && (await transport.SendAsync(mime, token)).Outcome != DeliveryOutcome.Accepted)
                {
                    Interlocked.Increment(ref refused);
                }
            });
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            process.Refresh();
            var perEmail = (process.TotalProcessorTime - cpu).TotalMilliseconds / perRound;
            // Round 0 warms the JIT up and is not reported.
            if (round > 0)
            {
                Console.WriteLine(
                    $"{name,-20} round {round}: {perRound / seconds,6:F0} emails/s, {perEmail:F3} ms CPU per email"
                                  + (refused > 0 ? $", {refused} not accepted" : ""));
            }
        }
    }

    return 0;
}
finally
{
    data.Delete(recursive: true);
}
