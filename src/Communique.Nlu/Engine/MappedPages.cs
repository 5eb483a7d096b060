using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Communique.Nlu.Engine;

// The encoder's model is read once from the package's assembly, which the runtime maps from its file: every page read
// stays in the process's resident set (clean file pages, ≈ 100 MB) until the kernel wants them back. Once the
// sessions hold their own copy, those pages are handed back with madvise(MADV_DONTNEED); a later read of the resource
// would fault them in again from the file. Only pages of a mapping of the assembly's own file are touched: memory the
// runtime filled itself (an assembly loaded from bytes) would lose its contents.
internal static partial class MappedPages
{
    private const int MadviseDontNeed = 4;

    // True when the pages were handed back.
    public static unsafe bool Release(Assembly assembly, string resourceSuffix)
    {
        if (!OperatingSystem.IsLinux() || string.IsNullOrEmpty(assembly.Location))
        {
            return false;
        }

        var name = Array.Find(assembly.GetManifestResourceNames(),
            n => n.EndsWith(resourceSuffix, StringComparison.Ordinal));
        using var stream = name is null ? null : assembly.GetManifestResourceStream(name) as UnmanagedMemoryStream;
        if (stream is null)
        {
            return false;
        }

        var page = (nint)Environment.SystemPageSize;
        var start = (nint)stream.PositionPointer;
        var first = (start + page - 1) / page * page;
        var last = (start + (nint)stream.Length) / page * page;
        if (last <= first || !MappedFrom(assembly.Location, first, last))
        {
            return false;
        }

        return Madvise(first, (nuint)(last - first), MadviseDontNeed) == 0;
    }

    // Whether [first, last) lies in mappings of the file, as /proc/self/maps lists them.
    private static bool MappedFrom(string file, nint first, nint last)
    {
        var covered = first;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != file)
            {
                continue;
            }

            var range = fields[0].Split('-');
            var from = nint.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var to = nint.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (from <= covered && covered < to)
            {
                covered = to;
            }
        }

        return covered >= last;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
