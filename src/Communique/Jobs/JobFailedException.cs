namespace Communique.Jobs;

// The permanent failure of a job: no retry.
public sealed class JobFailedException(string message) : Exception(message);
