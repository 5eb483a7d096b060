using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Communique.Nlu.Entities;

// Finds a model version's entities in a text. Compiled once per model version and then shared:
// everything it holds is read-only after Compile, so Extract is safe on any number of threads.
//
// Overlaps: every entity proposes its matches, then spans are claimed longest first; on equal
// spans a team's entity beats a built-in (and an earlier-defined entity a later one), and among
// built-ins the more specific wins (email, url, date, phone, number). So a number never fires
// inside a date, phone number or URL, and "next friday" beats a list entity that knows "friday".
public sealed class EntityExtractor
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(EntityPatterns.TimeoutMilliseconds);

    private readonly SynonymTrie _lists;
    private readonly Pattern[] _patterns;
    private readonly BuiltIn[] _builtIns;

    private sealed record Pattern(int Rank, string Name, Regex Regex, bool HasValueGroup);

    private sealed record BuiltIn(int Rank, string Name);

    private EntityExtractor(SynonymTrie lists, Pattern[] patterns, BuiltIn[] builtIns)
    {
        _lists = lists;
        _patterns = patterns;
        _builtIns = builtIns;
    }

    // Ranks order entities for ties: the team's in definition order, then the built-ins by
    // precedence. Throws ArgumentException on a definition that cannot work (a pattern that does
    // not compile, an unknown built-in): save-time validation should have refused it already.
    public static EntityExtractor Compile(
        IReadOnlyList<EntityDefinition> entities, IReadOnlyCollection<string> builtIns)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(builtIns);
        var lists = new SynonymTrie();
        var patterns = new List<Pattern>();
        for (var rank = 0; rank < entities.Count; rank++)
        {
            var entity = entities[rank];
            ArgumentException.ThrowIfNullOrWhiteSpace(entity.Name, nameof(entities));
            switch (entity.Kind)
            {
                case EntityKind.List:
                    foreach (var value in entity.Values)
                    {
                        lists.Add(rank, entity.Name, value.Value, value.Value);
                        foreach (var synonym in value.Synonyms)
                        {
                            lists.Add(rank, entity.Name, value.Value, synonym);
                        }
                    }
                    break;
                case EntityKind.Regex:
                    Regex regex;
                    try
                    {
                        regex = new Regex(entity.Pattern ?? "", EntityPatterns.Options, Timeout);
                    }
                    catch (Exception e) when (e is ArgumentException or NotSupportedException)
                    {
                        throw new ArgumentException(
                            $"The pattern of entity '{entity.Name}' does not compile: {e.Message}",
                            nameof(entities),
                            e);
                    }
                    patterns.Add(new Pattern(rank, entity.Name, regex, regex.GroupNumberFromName("value") >= 0));
                    break;
                default:
                    throw new ArgumentException(
                        $"Entity '{entity.Name}' has an unknown kind {entity.Kind}.", nameof(entities));
            }
        }
        foreach (var name in builtIns)
        {
            if (!BuiltInEntities.Names.Contains(name))
            {
                throw new ArgumentException(
                    $"'{name}' is not a built-in entity; they are {string.Join(", ", BuiltInEntities.Names)}.",
                    nameof(builtIns));
            }
        }
        var enabled = BuiltInEntities.Precedence
            .Select((name, i) => new BuiltIn(entities.Count + i, name))
            .Where(b => builtIns.Contains(b.Name));
        return new EntityExtractor(lists, [.. patterns], [.. enabled]);
    }

    // today is the reference day for relative dates ("tomorrow", "next friday").
    public IReadOnlyList<EntityMatch> Extract(string text, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }
        var found = new List<EntityCandidate>();
        if (!_lists.IsEmpty)
        {
            _lists.Find(text, found);
        }
        // A pattern that runs out of time on this text finds nothing in it, rather than failing
        // the parse or leaving half its matches.
        foreach (var pattern in _patterns)
        {
            var before = found.Count;
            try
            {
                Find(pattern, text, found);
            }
            catch (RegexMatchTimeoutException)
            {
                found.RemoveRange(before, found.Count - before);
            }
        }
        foreach (var builtIn in _builtIns)
        {
            var before = found.Count;
            try
            {
                BuiltInEntities.Find(builtIn.Name, text, today, builtIn.Rank, found);
            }
            catch (RegexMatchTimeoutException)
            {
                found.RemoveRange(before, found.Count - before);
            }
        }
        return Resolve(found);
    }

    // The regex timeout bounds each match separately; a pattern that is merely slow on a long
    // text with many matches is bounded by the same timeout in total.
    private static void Find(Pattern pattern, string text, List<EntityCandidate> found)
    {
        var started = Stopwatch.GetTimestamp();
        for (var m = pattern.Regex.Match(text); m.Success; m = m.NextMatch())
        {
            if (m.Length > 0)
            {
                var value = pattern.HasValueGroup && m.Groups["value"].Success ? m.Groups["value"].Value : m.Value;
                var match = new EntityMatch(pattern.Name, m.Value, value, m.Index, m.Index + m.Length);
                found.Add(new EntityCandidate(match, pattern.Rank));
            }
            if (Stopwatch.GetElapsedTime(started) > Timeout)
            {
                throw new RegexMatchTimeoutException(text, pattern.Regex.ToString(), Timeout);
            }
        }
    }

    private static EntityMatch[] Resolve(List<EntityCandidate> found)
    {
        if (found.Count == 0)
        {
            return [];
        }
        found.Sort(static (a, b) =>
        {
            var order = b.Length.CompareTo(a.Length);
            order = order != 0 ? order : a.Rank.CompareTo(b.Rank);
            return order != 0 ? order : a.Match.Start.CompareTo(b.Match.Start);
        });
        var claimed = new List<EntityMatch>();
        foreach (var candidate in found)
        {
            if (!Overlaps(claimed, candidate.Match))
            {
                claimed.Add(candidate.Match);
            }
        }
        claimed.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return [.. claimed];
    }

    private static bool Overlaps(List<EntityMatch> claimed, EntityMatch match)
    {
        foreach (var other in claimed)
        {
            if (other.Start < match.End && match.Start < other.End)
            {
                return true;
            }
        }
        return false;
    }
}
