namespace Communique.Tenancy;

// The team a request (or a job) acts for. Empty until authentication or a worker enters one.
public sealed class TenantContext
{
    public Guid TeamId { get; private set; }
    public Caller? Caller { get; private set; }

    public bool HasTeam => TeamId != Guid.Empty;

    public void Enter(Caller caller)
    {
        Caller = caller;
        TeamId = caller.TeamId;
    }

    public void EnterTeam(Guid teamId)
    {
        if (HasTeam && TeamId != teamId)
        {
            throw new InvalidOperationException("A scope acts for one team only.");
        }

        TeamId = teamId;
    }
}
