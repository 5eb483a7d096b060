namespace Communique.Campaigns;

// What became of a call handed to the transactional intake.
public enum IntakeOutcome
{
    // Its rows are committed.
    Stored,

    // A unique index refused its rows: another call used its Idempotency-Key.
    KeyTaken,

    // The server has stopped taking calls (it is shutting down): nothing of it was written.
    Closed,
}
