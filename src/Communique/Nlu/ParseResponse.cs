namespace Communique.Nlu;

// intent is null when the text is out of scope; confidence is the top intent's probability among the intents,
// inScopeConfidence the calibrated confidence that the text is about any intent at all, compared with the threshold.
public sealed record ParseResponse(
    string Text,
    RankedIntent? Intent,
    bool OutOfScope,
    double InScopeConfidence,
    double Threshold,
    IReadOnlyList<RankedIntent> Ranking,
    IReadOnlyList<ParsedEntity> Entities,
    int Version);
