using System.Security.Claims;
using System.Text.Encodings.Web;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenValidator tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string FailureKey = "communique.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length < 8)
        {
            return Fail("The Authorization header must be 'Bearer <token>'.");
        }

        var check = await tokens.CheckAsync(header[7..].Trim(), Context.RequestAborted);
        if (check.Caller is not { } caller)
        {
            return Fail(check.Error!);
        }

        Context.RequestServices.GetRequiredService<TenantContext>().Enter(caller);
        var identity = new ClaimsIdentity(
            [
                new Claim(TokenClaims.Subject, caller.SubjectId.ToString()),
                new Claim(TokenClaims.Role, caller.Role.Name()),
            ],
            SchemeName, TokenClaims.Subject, TokenClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureKey] as string;
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = reason is null
            ? "Bearer realm=\"communique\""
            : $"Bearer realm=\"communique\", error=\"invalid_token\", error_description=\"{reason}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = 401,
                Title = "Authentication required",
                Type = ProblemTypes.Unauthenticated,
                Detail = reason ?? "Send 'Authorization: Bearer <token>'; get a token from POST /authenticate.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = 403,
                Title = "Forbidden",
                Type = ProblemTypes.Forbidden,
                Detail = "Your role in this team does not allow this operation.",
            },
        });
    }
}
