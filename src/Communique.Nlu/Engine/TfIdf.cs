using System.Text;

namespace Communique.Nlu.Engine;

// The lexical view of an utterance: word unigrams and bigrams (with sentence start and end) plus character 2-4 grams
// inside word boundaries, so that misspellings and inflections still share features. TF-IDF with sublinear term
// frequency, L2-normalised. Terms seen in fewer than two training utterances are dropped: they cannot generalise and
// would only grow the model.
internal sealed class TfIdf
{
    private const int MinDocumentFrequency = 2;

    private readonly Dictionary<string, int> _index;
    private readonly string[] _terms;
    private readonly float[] _idf;

    private TfIdf(string[] terms, float[] idf)
    {
        _terms = terms;
        _idf = idf;
        _index = new Dictionary<string, int>(terms.Length, StringComparer.Ordinal);
        for (var i = 0; i < terms.Length; i++)
        {
            if (!_index.TryAdd(terms[i], i))
            {
                throw new ArgumentException("The vocabulary repeats a term.", nameof(terms));
            }
        }
    }

    public int Count => _terms.Length;

    // In index order, which is ordinal order.
    public IReadOnlyList<string> Terms => _terms;

    public IReadOnlyList<float> Idf => _idf;

    public static TfIdf FromTerms(string[] terms, float[] idf)
    {
        if (terms.Length != idf.Length)
        {
            throw new ArgumentException("Every term needs its inverse document frequency.", nameof(idf));
        }

        return new TfIdf(terms, idf);
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

        return new TfIdf(terms, idf);
    }

    public bool TryGetIndex(string term, out int index) => _index.TryGetValue(term, out index);

    public SparseVector Transform(string text)
    {
        var tf = new Dictionary<int, int>();
        foreach (var gram in Grams(text))
        {
            if (_index.TryGetValue(gram, out var i))
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
