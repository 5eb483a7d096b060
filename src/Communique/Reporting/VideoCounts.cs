namespace Communique.Reporting;

// The video player views of the sends' recipients (any of the team's video communications, by the record uuid the
// message was made for, from the first send's creation on): sessions that played, recipients who played, and sessions
// that clicked a button.
public sealed record VideoCounts(long Views, long Viewers, long CtaSessions);
