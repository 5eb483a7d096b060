namespace Communique.Nlu;

public sealed record ModelResponse(
    Guid Id, string Name, string Language, double? Threshold, IReadOnlyList<string> BuiltIns, Guid? ActiveVersionId,
    int Versions, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ModelResponse From(NluModel m) => new(
        m.Id, m.Name, m.Language, m.Threshold, m.BuiltIns.Split(',', StringSplitOptions.RemoveEmptyEntries),
        m.ActiveVersionId, m.Versions, m.CreatedAt, m.UpdatedAt);
}
