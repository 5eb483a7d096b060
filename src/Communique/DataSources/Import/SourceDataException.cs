namespace Communique.DataSources.Import;

// A data source that cannot be imported as it is. The message tells the user what to fix and
// where; Line (text formats, 1-based; the row for XLSX) and ByteOffset (0-based) say it again
// for machines.
public sealed class SourceDataException : Exception
{
    public SourceDataException(SourceProblem problem, string message, long? line = null, long? byteOffset = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        Line = line;
        ByteOffset = byteOffset;
    }

    public SourceDataException()
    {
    }

    public SourceDataException(string message) : base(message)
    {
    }

    public SourceDataException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public SourceProblem Problem { get; } = SourceProblem.Malformed;

    public long? Line { get; }

    public long? ByteOffset { get; }
}
