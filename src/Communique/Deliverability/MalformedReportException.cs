namespace Communique.Deliverability;

public sealed class MalformedReportException(string message) : Exception(message);
