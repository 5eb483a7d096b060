namespace Communique.Documents;

// Record: the data source record's uuid, or the position (from 1) of a record given inline.
public sealed record BatchFailure(string Record, string Reason);
