using Icu;

namespace Communique.Documents.Text;

// Line-break opportunities by the Unicode rules (UAX #14) with ICU's tailoring for the paragraph's language. Each
// thread keeps its iterators, one per language, since opening one loads its rules.
internal static class LineBreaker
{
    private const int MaxLanguagesPerThread = 16;

    [ThreadStatic]
    private static Dictionary<string, BreakIterator>? t_iterators;

    // Marks breakBefore[i] when a line may (or, after a '\n', must) break before character i.
    public static void Find(string text, string language, bool[] breakBefore)
    {
        IcuRuntime.EnsureLoaded();
        var iterators = t_iterators ??= new Dictionary<string, BreakIterator>(StringComparer.Ordinal);
        if (!iterators.TryGetValue(language, out var iterator))
        {
            if (iterators.Count >= MaxLanguagesPerThread)
            {
                foreach (var old in iterators.Values)
                {
                    old.Dispose();
                }

                iterators.Clear();
            }

            iterator = BreakIterator.CreateLineInstance(new Locale(language));
            iterators[language] = iterator;
        }

        iterator.SetText(text);
        for (var boundary = iterator.MoveNext(); boundary != BreakIterator.DONE; boundary = iterator.MoveNext())
        {
            breakBefore[boundary] = true;
        }
    }
}
