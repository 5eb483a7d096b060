using System.Globalization;
using System.Text;

namespace Communique.Nlu.Entities;

// Every synonym of every list entity in one trie over case-folded characters, so a text is read
// once per word start whatever the number of synonyms. A run of whitespace in a synonym is one
// edge that matches any run of whitespace in the text ("new york" finds "New  York").
// Built once, then only read: safe to share between threads.
internal sealed class SynonymTrie
{
    private readonly Node _root = new();

    private sealed class Node
    {
        public Dictionary<char, Node>? Next;
        public List<Owner>? Owners;
    }

    private readonly record struct Owner(int Rank, string Entity, string Value);

    public bool IsEmpty => _root.Next is null;

    public void Add(int rank, string entity, string value, string synonym)
    {
        var node = _root;
        var afterSpace = true;
        foreach (var c in synonym.AsSpan().Trim())
        {
            var space = char.IsWhiteSpace(c);
            if (space && afterSpace)
            {
                continue;
            }
            afterSpace = space;
            var key = space ? ' ' : Fold(c);
            node.Next ??= [];
            if (!node.Next.TryGetValue(key, out var next))
            {
                next = new Node();
                node.Next[key] = next;
            }
            node = next;
        }
        if (node == _root)
        {
            return;
        }
        node.Owners ??= [];
        // Within an entity the first value to claim a synonym keeps it; other entities share it
        // and the tie is settled with the other overlaps.
        if (!node.Owners.Exists(o => o.Rank == rank))
        {
            node.Owners.Add(new Owner(rank, entity, value));
        }
    }

    public void Find(string text, List<EntityCandidate> found)
    {
        for (var start = 0; start < text.Length; start++)
        {
            if (char.IsWhiteSpace(text[start]) || !IsBoundary(text, start))
            {
                continue;
            }
            var (end, owners) = Longest(text, start);
            if (owners is null)
            {
                continue;
            }
            var raw = text[start..end];
            foreach (var owner in owners)
            {
                found.Add(new EntityCandidate(new EntityMatch(owner.Entity, raw, owner.Value, start, end), owner.Rank));
            }
        }
    }

    private (int End, List<Owner>? Owners) Longest(string text, int start)
    {
        var node = _root;
        var i = start;
        (int, List<Owner>?) best = (start, null);
        while (i < text.Length && node.Next is not null)
        {
            Node? next;
            if (char.IsWhiteSpace(text[i]))
            {
                if (!node.Next.TryGetValue(' ', out next))
                {
                    break;
                }
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
            }
            else
            {
                if (!node.Next.TryGetValue(Fold(text[i]), out next))
                {
                    break;
                }
                i++;
            }
            node = next;
            if (node.Owners is not null && IsBoundary(text, i))
            {
                best = (i, node.Owners);
            }
        }
        return best;
    }

    // Simple per-character folding keeps the folded text as long as the original, so an index in
    // one is an index in the other.
    private static char Fold(char c) => char.ToUpperInvariant(c);

    // Whole-word: a match may not begin or end between two word characters, nor split a
    // surrogate pair. Scripts written without spaces (Han, kana, Thai...) have no word boundaries
    // to find, so there every character position counts as one.
    internal static bool IsBoundary(string text, int index)
    {
        if (index == 0 || index == text.Length)
        {
            return true;
        }
        if (char.IsHighSurrogate(text[index - 1]) && char.IsLowSurrogate(text[index]))
        {
            return false;
        }
        Rune.DecodeLastFromUtf16(text.AsSpan(0, index), out var before, out _);
        Rune.DecodeFromUtf16(text.AsSpan(index), out var after, out _);
        return !IsWord(before) || !IsWord(after) || IsUnspaced(before) || IsUnspaced(after);
    }

    private static bool IsWord(Rune rune) =>
        Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;

    private static bool IsUnspaced(Rune rune) => rune.Value switch
    {
        >= 0x0E00 and <= 0x0EFF => true, // Thai, Lao
        >= 0x1000 and <= 0x109F => true, // Myanmar
        >= 0x1780 and <= 0x17FF => true, // Khmer
        >= 0x3040 and <= 0x30FF => true, // Hiragana, Katakana
        >= 0x3400 and <= 0x4DBF => true, // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true, // CJK unified ideographs
        >= 0xF900 and <= 0xFAFF => true, // CJK compatibility ideographs
        >= 0xFF66 and <= 0xFF9F => true, // half-width Katakana
        >= 0x20000 and <= 0x3134F => true, // CJK extensions B and later
        _ => false,
    };
}
