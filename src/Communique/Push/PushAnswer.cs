namespace Communique.Push;

// A push service's answer to one message: its meaning, and a line for the message's record (the status and the
// service's reason, never a credential).
public sealed record PushAnswer(PushVerdict Verdict, string Reply, TimeSpan? RetryAfter = null)
{
    public static PushAnswer Delivered(string reply) => new(PushVerdict.Delivered, reply);
}
