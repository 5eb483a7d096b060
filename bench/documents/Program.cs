using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Communique.Documents.Drawing;
using Communique.Documents.Layout;
using Communique.Documents.Markup;
using Communique.Documents.Pdf;
using Communique.Documents.Print;
using Communique.Documents.Text;
using Communique.Rendering;
using SkiaSharp;

// The document engine per record, as the server runs it: Liquid over the markup (values XML-encoded), the markup
// read, the pages laid out, the PDF written. Three measures, each printed with its conditions:
//   letters   [seconds] [threads]  one-page personalised letters (logo, address box, three justified paragraphs in
//                                  two fonts, a 10-row table, a QR code, page X of Y): PDFs/s, CPU and bytes per PDF
//   statement [rows]               one record with a repeater of `rows` rows (30,000: about 1,000 pages): time, memory
//   print     [letters]            letters into one merged print PDF (duplex, page codes): letters/s, memory
//   sample    [file]               writes one letter's PDF, to look at
// Run: dotnet run -c Release --project bench/documents -- letters 20 2
var mode = args.Length > 0 ? args[0] : "letters";
var culture = CultureInfo.GetCultureInfo("en-GB");
var liquid = new LiquidTemplates(TimeProvider.System);
var logo = ImageSource.Load(Logo());
var layout = new DocumentLayout(FontLibrary.Bundled);
var created = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

Console.WriteLine($"## Document engine benchmark: {mode}");
Console.WriteLine();
Console.WriteLine($"- Date: {TimeProvider.System.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}; .NET {Environment.Version}; " +
    $"Release: {IsRelease()}; {Environment.ProcessorCount} cores; {RuntimeInformation.OSDescription}; CPU {Cpu()}");
switch (mode)
{
    case "letters":
        await LettersAsync(Arg(1, 20), (int)Arg(2, Environment.ProcessorCount));
        break;
    case "statement":
        await StatementAsync((int)Arg(1, 30_000));
        break;
    case "print":
        await PrintAsync((int)Arg(1, 100_000));
        break;
    case "sample":
        var sample = await PdfAsync(Compile("letter.xml"), Letter(7));
        await File.WriteAllBytesAsync(args.Length > 1 ? args[1] : "letter.pdf", sample);
        break;
    default:
        Console.Error.WriteLine(
            "usage: letters [seconds] [threads] | statement [rows] | print [letters] | sample [file]");
        return 2;
}

return 0;

async Task LettersAsync(double seconds, int threads)
{
    var template = Compile("letter.xml");
    var records = Enumerable.Range(0, 1000).Select(Letter).ToArray();
    // Warm-up: every record once, so that the first measured PDFs do not pay for compilation or first-use caches.
    var bytes = 0L;
    foreach (var record in records)
    {
        bytes += (await PdfAsync(template, record)).Length;
    }

    Console.WriteLine(
        $"- Letters: {records.Length} distinct records; warm-up mean size {bytes / records.Length:N0} bytes");
    var made = 0L;
    var size = 0L;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(seconds);
    var latencies = new List<double>[threads];
    await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
    {
        latencies[t] = [];
        var i = t;
        while (clock.Elapsed < until)
        {
            var start = Stopwatch.GetTimestamp();
            var pdf = await PdfAsync(template, records[i % records.Length]);
            latencies[t].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Interlocked.Increment(ref made);
            Interlocked.Add(ref size, pdf.Length);
            i += threads;
        }
    })));
    var elapsed = clock.Elapsed.TotalSeconds;
    var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    Console.WriteLine($"- Measured: {threads} threads for {elapsed:0.0} s");
    Console.WriteLine($"- **{made / elapsed:N0} PDFs/s**; {used / made:0.000} ms of CPU per PDF " +
        $"({1000 / (used / made):N0} per core-second); mean size {size / made:N0} bytes");
    Console.WriteLine($"- Per PDF: p50 {all[all.Length / 2]:0.00} ms, p99 {all[(int)(all.Length * 0.99)]:0.00} ms");
    Console.WriteLine($"- Peak memory (VmHWM): {PeakMegabytes()} MB");
}

async Task StatementAsync(int rows)
{
    var template = Compile("statement.xml");
    // Warm, as a server is after some documents: the engine's code compiled to its final tier (a method is optimised
    // after 30 calls, twice with profile-guided optimisation, and the reader's table loop runs once per document) and
    // its fonts loaded, by 100 short statements first, and a pause for the background compilation to finish.
    for (var i = 0; i < 100; i++)
    {
        await RenderStatementAsync(template, Statement(100));
    }

    await Task.Delay(1000);

    var before = Megabytes("VmRSS:");
    var record = Statement(rows);
    var clock = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var markup = await RenderAsync(template, record);
    var liquidTime = clock.Elapsed.TotalMilliseconds;
    var spec = DocumentMarkup.Parse(markup);
    var parseTime = clock.Elapsed.TotalMilliseconds - liquidTime;
    var document = layout.Lay(spec, _ => logo);
    var layTime = clock.Elapsed.TotalMilliseconds - liquidTime - parseTime;
    using var output = new MemoryStream();
    using (var pdf = new PdfWriter(output, new PdfSettings { Created = created }))
    {
        document.WriteTo(pdf);
        pdf.Finish();
    }

    var total = clock.Elapsed.TotalMilliseconds;
    var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    Console.WriteLine($"- One record, {rows:N0} rows: **{document.PageCount:N0} pages in {total / 1000:0.00} s** " +
        $"(Liquid {liquidTime:0} ms, markup {parseTime:0} ms, the first pages' layout {layTime:0} ms, the rest " +
        $"laid out into the PDF {total - liquidTime - parseTime - layTime:0} ms); CPU {used / 1000:0.00} s; " +
        $"{output.Length:N0} bytes");
    Console.WriteLine($"- Memory: {before} MB resident after the warm-up (100 statements of 100 rows), peak " +
        $"(VmHWM) {PeakMegabytes()} MB");
}

async Task RenderStatementAsync(CompiledTemplate template, IReadOnlyDictionary<string, object?> record)
{
    var document = layout.Lay(DocumentMarkup.Parse(await RenderAsync(template, record)), _ => logo);
    using var pdf = new PdfWriter(Stream.Null, new PdfSettings { Created = created });
    document.WriteTo(pdf);
    pdf.Finish();
}

async Task PrintAsync(int letters)
{
    var template = Compile("letter.xml");
    var records = Enumerable.Range(0, 1000).Select(Letter).ToArray();
    var path = Path.Combine(Path.GetTempPath(), $"communique-bench-print-{Environment.ProcessId}.pdf");
    try
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await using var file = File.Create(path);
        using var batch = new PrintBatchWriter(
            file, new PdfSettings { Created = created }, new PrintOptions(Duplex: true, PageCodes: true));
        for (var i = 0; i < letters; i++)
        {
            var spec = DocumentMarkup.Parse(await RenderAsync(template, records[i % records.Length]));
            batch.Add(i.ToString(CultureInfo.InvariantCulture), layout.Lay(spec, _ => logo));
        }

        batch.Finish();
        var elapsed = clock.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        Console.WriteLine($"- {letters:N0} letters into one print PDF (duplex, a Data Matrix per page), one thread: " +
            $"**{letters / elapsed:N0} letters/s**, {batch.PageCount:N0} pages, {file.Length / 1048576.0:N0} MB; " +
            $"CPU {used / letters:0.000} ms per letter");
        Console.WriteLine($"- Peak memory (VmHWM): {PeakMegabytes()} MB");
    }
    finally
    {
        File.Delete(path);
    }
}

async Task<byte[]> PdfAsync(CompiledTemplate template, IReadOnlyDictionary<string, object?> record)
{
    var spec = DocumentMarkup.Parse(await RenderAsync(template, record));
    var document = layout.Lay(spec, _ => logo);
    using var output = new MemoryStream(48 * 1024);
    using (var pdf = new PdfWriter(output, new PdfSettings { Title = spec.Info.Title, Created = created }))
    {
        document.WriteTo(pdf);
        pdf.Finish();
    }

    return output.ToArray();
}

async Task<string> RenderAsync(CompiledTemplate template, IReadOnlyDictionary<string, object?> record)
{
    var options = new RenderOptions
    {
        Culture = culture, HtmlEncode = true, MaxOutputChars = 64 * 1024 * 1024, MaxSteps = 50_000_000,
        Timeout = TimeSpan.FromSeconds(30),
    };
    var outcome = await liquid.RenderAsync(template, record, options, CancellationToken.None);
    return outcome.Succeeded ? outcome.Text : throw new InvalidOperationException(outcome.Failure.Message);
}

CompiledTemplate Compile(string name)
{
    using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)!;
    using var reader = new StreamReader(stream);
    var source = reader.ReadToEnd();
    return liquid.TryCompile(source, out var template, out var error)
        ? template
        : throw new InvalidOperationException($"{name}: {error.Message} at {error.Line}:{error.Column}");
}

static Dictionary<string, object?> Letter(int i)
{
    string[] first = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Sophia", "Arthur", "Grace", "Leo"];
    string[] last = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright"];
    string[] streets = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road"];
    string[] texts = ["Card payment, Harbourside Coffee", "Direct debit, City Energy", "Salary, Northwind Ltd",
        "Transfer to savings pot", "Card payment, Greengrocer & Sons", "Standing order, rent", "Refund, BookHouse",
        "Cash withdrawal, Clifton", "Card payment, Rail tickets", "Interest paid"];
    var transactions = Enumerable.Range(0, 10).Select(k => (object?)new Dictionary<string, object?>
    {
        ["date"] = new DateOnly(2026, 11, 1 + (i + k * 3) % 28).ToString("d MMM", CultureInfo.InvariantCulture),
        ["text"] = texts[(i + k) % texts.Length],
        ["amount"] = ((i * 37 + k * 1111) % 50000 / 100m - 150).ToString("N2", CultureInfo.InvariantCulture),
    }).ToList();
    return new Dictionary<string, object?>
    {
        ["id"] = $"S{i:D8}", ["first_name"] = first[i % first.Length],
        ["name"] = $"{first[i % first.Length]} {last[i / first.Length % last.Length]}",
        ["street"] = $"{i % 180 + 1} {streets[i % streets.Length]}", ["postcode"] = $"BS{i % 16 + 1} {i % 9 + 1}QT",
        ["city"] = "Bristol", ["date"] = "6 December 2026", ["month"] = "November 2026",
        ["account"] = $"{20_00_00 + i % 999:00-00-00} {10_000_000 + i:D8}", ["rate"] = "4.15%",
        ["transactions"] = transactions,
    };
}

static Dictionary<string, object?> Statement(int rows)
{
    var balance = 1000m;
    var transactions = new List<object?>(rows);
    for (var i = 0; i < rows; i++)
    {
        var amount = (i * 7919 % 20000 - 9000) / 100m;
        balance += amount;
        transactions.Add(new Dictionary<string, object?>
        {
            ["date"] = new DateOnly(2026, 1, 1).AddDays(i * 365 / rows)
                .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["text"] = i % 3 == 0 ? "Card payment, Harbourside Coffee" : i % 3 == 1 ? "Direct debit, City Energy"
                : "Salary, Northwind Ltd",
            ["reference"] = $"Ref. {i * 7919 % 1_000_000:D6}",
            ["amount"] = amount.ToString("N2", CultureInfo.InvariantCulture),
            ["balance"] = balance.ToString("N2", CultureInfo.InvariantCulture),
        });
    }

    return new Dictionary<string, object?> { ["name"] = "Amelia Smith", ["transactions"] = transactions };
}

static byte[] Logo()
{
    using var surface = SKSurface.Create(new SKImageInfo(480, 120));
    var canvas = surface.Canvas;
    canvas.Clear(SKColors.White);
    using var paint = new SKPaint { Color = new SKColor(0x1F, 0x4E, 0x79), IsAntialias = true };
    canvas.DrawRoundRect(new SKRect(0, 10, 100, 110), 18, 18, paint);
    paint.Color = new SKColor(0xF2, 0xA9, 0x00);
    canvas.DrawCircle(50, 60, 28, paint);
    paint.Color = new SKColor(0x1F, 0x4E, 0x79);
    for (var i = 0; i < 5; i++)
    {
        canvas.DrawRect(new SKRect(130 + i * 66, 35, 180 + i * 66, 85), paint);
    }

    using var image = surface.Snapshot();
    using var data = image.Encode(SKEncodedImageFormat.Png, 100);
    return data.ToArray();
}

static double Arg(int index, double fallback) =>
    Environment.GetCommandLineArgs().Length > index + 1
        ? double.Parse(Environment.GetCommandLineArgs()[index + 1], CultureInfo.InvariantCulture)
        : fallback;

static string PeakMegabytes() => Megabytes("VmHWM:");

static string Megabytes(string field) =>
    File.ReadLines("/proc/self/status").Where(l => l.StartsWith(field, StringComparison.Ordinal))
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
        .Select(kb => (long.Parse(kb, CultureInfo.InvariantCulture) / 1024).ToString(CultureInfo.InvariantCulture))
        .FirstOrDefault() ?? "?";

static string Cpu() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
        ?.Split(':', 2)[1].Trim() ?? "unknown";

static bool IsRelease() =>
    Assembly.GetExecutingAssembly().GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
