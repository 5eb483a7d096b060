namespace Communique.Nlu.Entities;

// A match before overlaps are resolved. Rank breaks ties between equal spans: lower wins.
internal readonly record struct EntityCandidate(EntityMatch Match, int Rank)
{
    public int Length => Match.End - Match.Start;
}
