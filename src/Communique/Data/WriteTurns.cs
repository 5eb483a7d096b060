using Microsoft.Extensions.Options;

namespace Communique.Data;

// Turns at writing for this process's busiest writers on SQLite: the transactional intake, the delivery loop's
// outcomes and the archive. SQLite has one writer at a time, and a writer that finds the database locked waits inside
// SQLite, blocking its thread; enough such waits at once leave the thread pool without workers for the requests (it
// adds threads about twice a second). These writers wait for their turn here, holding no thread, and so meet each
// other only here; other writers meet them in SQLite's busy handler. On PostgreSQL, whose writers do not exclude each
// other, a turn is given at once.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
    "Never disposed: a writer may give its turn back while the host shuts down, and the semaphore holds nothing to "
    + "free unless its wait handle is asked for.")]
public sealed class WriteTurns(IOptions<DatabaseOptions> database)
{
    private readonly SemaphoreSlim _sqlite = new(1, 1);

    public async ValueTask<Turn> TakeAsync(CancellationToken cancellationToken)
    {
        if (database.Value.Provider != DatabaseProvider.Sqlite)
        {
            return default;
        }

        await _sqlite.WaitAsync(cancellationToken);
        return new Turn(_sqlite);
    }

    // Held for the length of one write transaction; disposing it gives the turn to the next writer.
    public readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
