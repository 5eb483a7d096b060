using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using Communique.DataSources.Import;

// Parses and infers the schema of a generated 1,000,000-row, 10-column CSV and prints rows/s and
// the process's peak working set. Usage: dotnet run -c Release --project bench/import [rows]
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var path = Path.Combine(Path.GetTempPath(), $"communique-import-bench-{Environment.ProcessId}.csv");
try
{
    var generating = Stopwatch.StartNew();
    Generate(path, rows);
    generating.Stop();

    Console.WriteLine("Communique import engine benchmark: CSV parse + schema inference");
    Console.WriteLine($"CPU:     {CpuModel()} ({Environment.ProcessorCount} logical cores, shared machine)");
    Console.WriteLine($".NET:    {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription}, " +
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {(IsRelease() ? "Release" : "Debug")} build");
    Console.WriteLine(
        $"File:    {rows:N0} rows x 10 columns, {new FileInfo(path).Length / 1e6:N1} MB (generated in " +
        $"{generating.Elapsed.TotalSeconds:N1} s)");
    Console.WriteLine($"Start:   working set {Environment.WorkingSet / 1e6:N0} MB");

    var standard = DataStandard.For("en-US");
    Run("parse + infer", path, standard, checkIdentifier: false);
    Run("parse + infer + unique identifier", path, standard, checkIdentifier: true);
}
finally
{
    File.Delete(path);
}

static void Run(string what, string path, DataStandard standard, bool checkIdentifier)
{
    var clock = Stopwatch.StartNew();
    using var file = new FileStream(
        path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    using var reader = SourceReader.Open(file, SourceFormat.Csv, standard);
    var inference = new SchemaInference(reader.Fields, standard);
    var duplicates = new DuplicateFinder();
    long count = 0;
    foreach (var record in reader.ReadRecords())
    {
        inference.Observe(record);
        if (checkIdentifier)
        {
            duplicates.Observe(record.GetValue(0), record.Line);
        }
        count++;
    }
    clock.Stop();
    using var process = Process.GetCurrentProcess();
    Console.WriteLine();
    Console.WriteLine($"{what}:");
    Console.WriteLine(
        $"  {count:N0} rows in {clock.Elapsed.TotalSeconds:N2} s = {count / clock.Elapsed.TotalSeconds:N0} rows/s");
    Console.WriteLine($"  peak working set so far {process.PeakWorkingSet64 / 1e6:N0} MB");
    Console.WriteLine("  schema: " + string.Join(
        ", ", inference.Fields.Select(f => $"{f.Name} {f.Type.ToString().ToLowerInvariant()}")));
    if (checkIdentifier)
    {
        Console.WriteLine(
            $"  identifier 'id': {(duplicates.IsUnique ? "unique" : $"{duplicates.DuplicateCount} duplicates")}");
    }
}

// Ten columns of the kinds a recipient list has; about one city in five needs quotes.
static void Generate(string path, int rows)
{
    string[] first = ["Ann", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günther", "Hiro", "Ines", "José"];
    string[] last = ["Smith", "Müller", "Rossi", "Dubois", "Tanaka", "Silva", "Kowalski", "Nguyen"];
    string[] cities = ["London", "Berlin", "New York", "\"São Paulo, SP\"", "Tokyo", "Paris"];
    string[] countries = ["GB", "DE", "US", "BR", "JP", "FR"];
    var random = new Random(20261127);
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
    writer.Write("id,first_name,last_name,email,city,country,amount,signup_date,last_login,subscribed\n");
    var line = new StringBuilder(128);
    for (var i = 1; i <= rows; i++)
    {
        var f = first[random.Next(first.Length)];
        var c = random.Next(cities.Length);
        line.Clear()
            .Append(i).Append(',')
            .Append(f).Append(',')
            .Append(last[random.Next(last.Length)]).Append(',')
            .Append("user").Append(i).Append("@example.com,")
            .Append(cities[c]).Append(',')
            .Append(countries[c]).Append(',')
            .Append((random.Next(1_000_000) / 100m).ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(CultureInfo.InvariantCulture,
                $"20{random.Next(10, 27)}-{random.Next(1, 13):00}-{random.Next(1, 29):00},")
            .Append(CultureInfo.InvariantCulture,
                $"2026-{random.Next(1, 12):00}-{random.Next(1, 29):00}T" +
                $"{random.Next(24):00}:{random.Next(60):00}:{random.Next(60):00}Z,")
            .Append(random.Next(2) == 0 ? "true" : "false")
            .Append('\n');
        writer.Write(line);
    }
}

static string CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
    catch (IOException)
    {
        return RuntimeInformation.ProcessArchitecture.ToString();
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
