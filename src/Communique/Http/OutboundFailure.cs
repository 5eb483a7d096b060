namespace Communique.Http;

public enum OutboundFailure
{
    None,
    Refused,
    Timeout,
    TooLarge,
    Network,
    BadRequest,
}
