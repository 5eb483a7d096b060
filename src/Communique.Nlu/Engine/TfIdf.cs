using System.Numerics;
using System.Text;

namespace Communique.Nlu.Engine;

// The lexical view of an utterance: word unigrams and bigrams (with sentence start and end) plus character 2-4 grams
// inside word boundaries, so that misspellings and inflections still share features. TF-IDF with sublinear term
// frequency, L2-normalised. Terms seen in fewer than two training utterances are dropped: they cannot generalise and
// would only grow the model.
//
// A loaded version keeps tens of thousands of terms, so the vocabulary holds no object per term: the terms back to back
// in one character pool, their ends, and an open-addressing table of term indices looked up by span.
internal sealed class TfIdf
{
    private const int MinDocumentFrequency = 2;

    private readonly char[] _pool;
    private readonly int[] _ends;
    private readonly float[] _idf;

    // Term index + 1, 0 for an empty slot; a power of two at least twice the terms, so probes stay short.
    private readonly int[] _slots;

    private TfIdf(char[] pool, int[] ends, float[] idf)
    {
        if (ends.Length != idf.Length)
        {
            throw new ArgumentException("Every term needs its inverse document frequency.", nameof(idf));
        }

        for (var i = 0; i < ends.Length; i++)
        {
            if (ends[i] <= (i == 0 ? 0 : ends[i - 1]) || ends[i] > pool.Length)
            {
                throw new ArgumentException("A term is empty or outside the pool.", nameof(ends));
            }
        }

        if (ends.Length > 0 && ends[^1] != pool.Length)
        {
            throw new ArgumentException("The pool holds more than the terms.", nameof(pool));
        }

        _pool = pool;
        _ends = ends;
        _idf = idf;
        _slots = new int[Math.Max(2, (int)BitOperations.RoundUpToPowerOf2((uint)ends.Length * 2))];
        for (var i = 0; i < ends.Length; i++)
        {
            var slot = Probe(Term(i));
            if (_slots[slot] != 0)
            {
                throw new ArgumentException("The vocabulary repeats a term.", nameof(pool));
            }

            _slots[slot] = i + 1;
        }
    }

    public int Count => _ends.Length;

    public ReadOnlySpan<float> Idf => _idf;

    // The terms back to back, in index order (which is ordinal order), and where each ends.
    public ReadOnlySpan<char> Pool => _pool;

    public ReadOnlySpan<int> Ends => _ends;

    public static TfIdf FromPool(char[] pool, int[] ends, float[] idf) => new(pool, ends, idf);

    public ReadOnlySpan<char> Term(int index) =>
        _pool.AsSpan(index == 0 ? 0 : _ends[index - 1], _ends[index] - (index == 0 ? 0 : _ends[index - 1]));

    public bool TryGetIndex(ReadOnlySpan<char> term, out int index)
    {
        index = _slots[Probe(term)] - 1;
        return index >= 0;
    }

    // The slot holding term, or the empty slot where it would go. The hash is the runtime's randomised string hash:
    // the slots' order is never stored, and texts sent to parse cannot be chosen to collide.
    private int Probe(ReadOnlySpan<char> term)
    {
        var mask = _slots.Length - 1;
        var slot = string.GetHashCode(term) & mask;
        while (_slots[slot] != 0 && !Term(_slots[slot] - 1).SequenceEqual(term))
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    public static TfIdf Fit(IEnumerable<string> texts)
    {
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        foreach (var text in texts)
        {
            n++;
            foreach (var gram in Grams(text).Distinct())
            {
                df[gram] = df.GetValueOrDefault(gram) + 1;
            }
        }

        var terms = df.Where(kv => kv.Value >= MinDocumentFrequency)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var idf = new float[terms.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            idf[i] = (float)(Math.Log((1.0 + n) / (1.0 + df[terms[i]])) + 1.0);
        }

        var ends = new int[terms.Length];
        var pool = new StringBuilder();
        for (var i = 0; i < terms.Length; i++)
        {
            pool.Append(terms[i]);
            ends[i] = pool.Length;
        }

        return new TfIdf(pool.ToString().ToCharArray(), ends, idf);
    }

    public SparseVector Transform(string text)
    {
        var tf = new Dictionary<int, int>();
        foreach (var gram in Grams(text))
        {
            if (TryGetIndex(gram, out var i))
            {
                tf[i] = tf.GetValueOrDefault(i) + 1;
            }
        }

        var indices = tf.Keys.Order().ToArray();
        var values = indices.Select(i => (float)((1 + Math.Log(tf[i])) * _idf[i])).ToArray();
        double ss = 0;
        foreach (var v in values)
        {
            ss += (double)v * v;
        }

        var inv = ss > 0 ? (float)(1 / Math.Sqrt(ss)) : 0f;
        for (var j = 0; j < values.Length; j++)
        {
            values[j] *= inv;
        }

        return new SparseVector(indices, values);
    }

    private static IEnumerable<string> Grams(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.ToLowerInvariant())
        {
            sb.Append(char.IsLetterOrDigit(ch) ? ch : ' ');
        }

        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            yield return "w:" + words[i];
            yield return "b:" + (i == 0 ? "^" : words[i - 1]) + " " + words[i];
        }

        if (words.Length > 0)
        {
            yield return "b:" + words[^1] + " $";
        }

        foreach (var word in words)
        {
            var padded = " " + word + " ";
            for (var length = 2; length <= 4; length++)
            {
                for (var i = 0; i + length <= padded.Length; i++)
                {
                    yield return string.Concat("c:", padded.AsSpan(i, length));
                }
            }
        }
    }
}
