using Microsoft.AspNetCore.Identity;
using Communique.Accounts;

namespace Communique.Auth;

public static class AuthSetup
{
    public static IServiceCollection AddAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MasterKey>();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<SubjectStamps>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<TeamBudget>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();

        services.AddAuthentication(BearerAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthentication>(
                BearerAuthentication.SchemeName, null);

        var authorization = services.AddAuthorizationBuilder();
        foreach (var area in Enum.GetValues<Area>())
        {
            foreach (var access in new[] { Access.View, Access.Edit })
            {
                authorization.AddPolicy(RoleMatrix.PolicyName(area, access), policy => policy
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context =>
                        Roles.TryParse(context.User.FindFirst(TokenClaims.Role)?.Value, out var role)
                        && RoleMatrix.Allows(role.Value, area, access)));
            }
        }

        return services;
    }

    // A call on behalf of a team: a valid token, the matching PB-Customer-Id and the team's request budget.
    public static TBuilder RequireTeamCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization();
        builder.AddEndpointFilter<TBuilder, CustomerIdCheck>();
        builder.AddEndpointFilter<TBuilder, TeamRateLimit>();
        return builder;
    }

    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, Area area, Access access)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(RoleMatrix.PolicyName(area, access));
}
