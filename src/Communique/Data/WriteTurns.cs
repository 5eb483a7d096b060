using Microsoft.Extensions.Options;

namespace Communique.Data;

// Turns at writing for this process's busiest writers on SQLite: the transactional intake, the delivery loop's
// outcomes and the archive. SQLite has one writer at a time, and a writer that finds the database locked waits inside
// SQLite, blocking its thread; enough such waits at once leave the thread pool without workers for the requests (it
// adds threads about twice a second). These writers wait for their turn here, holding no thread, and so meet each
// other only here; other writers meet them in SQLite's busy handler. On PostgreSQL, whose writers do not exclude each
// other, a turn is given at once.
//
// Writers that delivery waits for (outcomes, the archive) go before the intake: a delivered message holds its
// connection until its outcome is saved, so while the intake's calls queue in front of it, the connections idle and
// what was accepted waits longer to be sent. The intake still has every turn nobody on the delivery side asked for.
public sealed class WriteTurns(IOptions<DatabaseOptions> database)
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _delivery = new();
    private readonly Queue<TaskCompletionSource> _intake = new();
    private bool _held;

    public enum Side
    {
        Delivery,
        Intake,
    }

    public ValueTask<Turn> TakeAsync(Side side, CancellationToken cancellationToken)
    {
        if (database.Value.Provider != DatabaseProvider.Sqlite)
        {
            return ValueTask.FromResult(default(Turn));
        }

        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return ValueTask.FromResult(new Turn(this));
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (side == Side.Delivery ? _delivery : _intake).Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    private async ValueTask<Turn> WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        // A waiter cancelled before its turn is skipped when the turn comes to it (TrySetResult fails).
        await using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task;
        }

        return new Turn(this);
    }

    private void Pass()
    {
        lock (_lock)
        {
            while (_delivery.TryDequeue(out var next) || _intake.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _held = false;
        }
    }

    // Held for the length of one write transaction; disposing it gives the turn to the next writer.
    public readonly struct Turn(WriteTurns? turns) : IDisposable
    {
        public void Dispose() => turns?.Pass();
    }
}
