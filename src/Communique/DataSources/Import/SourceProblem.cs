namespace Communique.DataSources.Import;

// Why a data source was refused; the API maps each kind to its own problem type.
public enum SourceProblem
{
    NotUtf8,
    Malformed,
    BadHeader,
    UnbalancedQuote,
    RaggedRow,
    TooDeep,
    TooLarge,
    Unsafe,
}
