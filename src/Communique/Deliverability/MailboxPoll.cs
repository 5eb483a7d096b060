namespace Communique.Deliverability;

public sealed record MailboxPoll(int Read, int Reports, int Unsubscribes, int LeftAlone);
