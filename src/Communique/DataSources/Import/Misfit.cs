namespace Communique.DataSources.Import;

public sealed record Misfit(long Line, string Value);
