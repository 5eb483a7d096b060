using System.Runtime.InteropServices;

namespace Communique.Documents.Text;

// Line-break opportunities by the Unicode rules (UAX #14) with ICU's tailoring for the paragraph's language. ICU's C
// API is called directly (icu.net's iterator allocates a status vector per boundary); icu.net still finds and loads
// the host's libicu. Each thread keeps its iterators, one per language, since opening one loads its rules.
internal static unsafe class LineBreaker
{
    private const int MaxLanguagesPerThread = 16;
    private const int LineIterator = 2;
    private const int Done = -1;

    private static readonly Lazy<Functions> Library = new(Functions.Load);

    [ThreadStatic]
    private static Dictionary<string, nint>? t_iterators;

    // Marks breakBefore[i] when a line may (or, after a '\n', must) break before character i.
    public static void Find(string text, string language, bool[] breakBefore)
    {
        var icu = Library.Value;
        var iterator = IteratorFor(icu, language);
        fixed (char* chars = text)
        {
            var status = 0;
            icu.SetText(iterator, chars, text.Length, &status);
            if (status > 0)
            {
                throw new InvalidOperationException($"ICU could not take the text (error {status}).");
            }

            for (var boundary = icu.Next(iterator); boundary != Done; boundary = icu.Next(iterator))
            {
                breakBefore[boundary] = true;
            }
        }
    }

    private static nint IteratorFor(Functions icu, string language)
    {
        var iterators = t_iterators ??= new Dictionary<string, nint>(StringComparer.Ordinal);
        if (iterators.TryGetValue(language, out var iterator))
        {
            return iterator;
        }

        if (iterators.Count >= MaxLanguagesPerThread)
        {
            foreach (var old in iterators.Values)
            {
                icu.Close(old);
            }

            iterators.Clear();
        }

        // A BCP 47 tag is ASCII; anything else falls back to ICU's root rules.
        Span<byte> locale = stackalloc byte[33];
        var length = 0;
        foreach (var c in language)
        {
            if (length == 32 || !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                length = 0;
                break;
            }

            locale[length++] = (byte)c;
        }

        locale[length] = 0;
        var status = 0;
        fixed (byte* name = locale)
        {
            iterator = icu.Open(LineIterator, name, null, 0, &status);
        }

        if (status > 0 || iterator == 0)
        {
            throw new InvalidOperationException($"ICU could not open a line-break iterator (error {status}).");
        }

        iterators[language] = iterator;
        return iterator;
    }

    private sealed class Functions
    {
        public delegate* unmanaged<int, byte*, char*, int, int*, nint> Open { get; private init; }

        public delegate* unmanaged<nint, char*, int, int*, void> SetText { get; private init; }

        public delegate* unmanaged<nint, int> Next { get; private init; }

        public delegate* unmanaged<nint, void> Close { get; private init; }

        // The library icu.net bound to, and its functions by their versioned names (ubrk_open_72) or, in a build of
        // ICU without renaming, plain ones.
        public static Functions Load()
        {
            IcuRuntime.EnsureLoaded();
            var major = global::Icu.Wrapper.IcuVersion.Split('.')[0];
            var library = NativeLibrary.Load(
                OperatingSystem.IsWindows() ? $"icuuc{major}.dll" : $"libicuuc.so.{major}");
            nint Export(string name) =>
                NativeLibrary.TryGetExport(library, $"{name}_{major}", out var address)
                    ? address
                    : NativeLibrary.GetExport(library, name);
            return new Functions
            {
                Open = (delegate* unmanaged<int, byte*, char*, int, int*, nint>)Export("ubrk_open"),
                SetText = (delegate* unmanaged<nint, char*, int, int*, void>)Export("ubrk_setText"),
                Next = (delegate* unmanaged<nint, int>)Export("ubrk_next"),
                Close = (delegate* unmanaged<nint, void>)Export("ubrk_close"),
            };
        }
    }
}
