using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using Communique.Rendering;

// Renders one ≈3 KB HTML email for one record, over and over, on one thread, and prints
// renders per second with the conditions that produced them.
// Run: dotnet run -c Release --project bench/render [-- seconds-per-round | --show]
var show = args.Contains("--show");
var seconds = args.Length > 0 && !show ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
const int Rounds = 5;

string source;
using (var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("email.liquid")!)
using (var reader = new StreamReader(stream, Encoding.UTF8))
{
    source = reader.ReadToEnd();
}

var items = new List<IReadOnlyDictionary<string, object?>>
{
    new Dictionary<string, object?>
    {
        ["sku"] = "A-1001", ["name"] = "Wanderschuh \"Alpin\" <Größe 42>", ["qty"] = 1, ["price"] = 129.95m,
    },
    new Dictionary<string, object?>
    {
        ["sku"] = "B-2002", ["name"] = "Funktionssocken, 3 Paar", ["qty"] = 2, ["price"] = 14.5m,
    },
    new Dictionary<string, object?>
    {
        ["sku"] = "C-3003", ["name"] = "Imprägnierspray & Pflege", ["qty"] = 1, ["price"] = 8.99m,
    },
};
var record = new Dictionary<string, object?>
{
    ["first_name"] = "Jürgen",
    ["last_name"] = "Müller-Lüdenscheidt",
    ["email"] = "j.mueller@example.de",
    ["phone"] = "+49 30 1234567",
    ["order_id"] = "ORD-2024-000123",
    ["order_date"] = new DateOnly(2024, 3, 5),
    ["city"] = "Köln",
    ["vip"] = true,
    ["total"] = 167.89m,
    ["points"] = 16789,
    ["items"] = items,
};
var options = new RenderOptions { Culture = CultureInfo.GetCultureInfo("de-DE"), HtmlEncode = true };

using var templates = new LiquidTemplates(TimeProvider.System);
if (!templates.TryCompile(source, out var template, out var error))
{
    Console.Error.WriteLine($"The benchmark template does not compile: {error}");
    return 1;
}
var first = await templates.RenderAsync(template, record, options, CancellationToken.None);
if (!first.Succeeded)
{
    Console.Error.WriteLine($"The benchmark template does not render: {first.Failure}");
    return 1;
}
if (show)
{
    Console.WriteLine(first.Text);
    return 0;
}

Console.WriteLine("Liquid render benchmark (Communique.Rendering on Fluid)");
Console.WriteLine($"  CPU            {CpuModel()} ({Environment.ProcessorCount} logical cores visible)");
Console.WriteLine($"  Load average   {LoadAverage()} (before the run)");
Console.WriteLine(
    $"  Runtime        {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
    $"{RuntimeInformation.ProcessArchitecture}");
Console.WriteLine(
    $"  Build          {(IsRelease() ? "Release" : "DEBUG - numbers not meaningful")}, " +
    $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC");
Console.WriteLine($"  Template       {source.Length} chars ({Encoding.UTF8.GetByteCount(source)} bytes UTF-8) of HTML");
Console.WriteLine($"  Record         {record.Count - 1} fields + a repeater of {items.Count} rows x 4 fields");
Console.WriteLine($"  Options        culture {options.Culture.Name}, HTML encoding on, currency/date/number filters");
Console.WriteLine($"  Output         {first.Text.Length} chars");
Console.WriteLine(
    $"  Method         1 thread; 2 s warm-up, then {Rounds} rounds of {seconds} s; compiled once, rendered per call");
Console.WriteLine();

await RunAsync(TimeSpan.FromSeconds(2));
var rates = new List<double>();
for (var round = 1; round <= Rounds; round++)
{
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var (renders, elapsed) = await RunAsync(TimeSpan.FromSeconds(seconds));
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    var rate = renders / elapsed.TotalSeconds;
    rates.Add(rate);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  round {round}: {rate,10:N0} renders/s  ({elapsed.TotalMicroseconds / renders:N2} µs/render, " +
        $"{allocated / renders:N0} B allocated/render)"));
}
rates.Sort();
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  renders/s on 1 thread: median {rates[rates.Count / 2]:N0}, best {rates[^1]:N0}, " +
    $"worst {rates[0]:N0} (goal >= 50,000)"));
return 0;

async Task<(long Renders, TimeSpan Elapsed)> RunAsync(TimeSpan duration)
{
    var clock = Stopwatch.StartNew();
    long renders = 0;
    while (clock.Elapsed < duration)
    {
        for (var i = 0; i < 1000; i++)
        {
            var outcome = await templates.RenderAsync(template, record, options, CancellationToken.None);
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException(outcome.Failure.Message);
            }
        }
        renders += 1000;
    }
    return (renders, clock.Elapsed);
}

static string CpuModel()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        if (line is not null)
        {
            return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
    }
    catch (IOException)
    {
    }
    catch (UnauthorizedAccessException)
    {
    }
    return RuntimeInformation.ProcessArchitecture.ToString();
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "unknown";
    }
    catch (UnauthorizedAccessException)
    {
        return "unknown";
    }
}

static bool IsRelease()
{
#if DEBUG
    return false;
#else
    return true;
#endif
}
