using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Communique.Auth;
using Communique.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Tests.Auth;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync();
        _acme = await _host.CreateAccountAsync("Acme Corp");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private object Body(string? clientId = null, string? secret = null, string? customerId = null) =>
        new
        {
            client_id = clientId ?? _acme.ClientId, secret = secret ?? _acme.Secret,
            customer_id = customerId ?? _acme.CustomerId,
        };

    [Fact]
    public async Task Authenticate_returns_the_token_as_a_bare_json_string()
    {
        using var client = _host.CreateClient();
        var response = await client.PostAsJsonAsync("/authenticate", Body());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("\"ey", raw, StringComparison.Ordinal);
        var jwt = new JsonWebToken(await response.Content.ReadFromJsonAsync<string>());
        Assert.Equal("ES256", jwt.Alg);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal("eocm-Acme-Corp", jwt.GetPayloadValue<string>("customer_id"));
        Assert.Equal(_acme.TeamId.ToString(), jwt.GetPayloadValue<string>("team"));
        Assert.Equal("administrator", jwt.GetPayloadValue<string>("role"));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(TimeSpan.FromSeconds(3600), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public async Task Wrong_secret_unknown_client_and_wrong_customer_id_get_one_generic_401()
    {
        using var client = _host.CreateClient();
        var wrongSecret = await (await client.PostAsJsonAsync("/authenticate", Body(secret: "nope")))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        var unknownClient = await (await client.PostAsJsonAsync("/authenticate", Body(clientId: "cq-unknown")))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        var wrongCustomer = await (await client.PostAsJsonAsync("/authenticate", Body(customerId: "eocm-acme-corp")))
            .ProblemAsync(HttpStatusCode.Unauthorized);

        foreach (var problem in new[] { unknownClient, wrongCustomer })
        {
            Assert.Equal(wrongSecret.Str("detail"), problem.Str("detail"));
            Assert.Equal(wrongSecret.Str("type"), problem.Str("type"));
            Assert.Equal(wrongSecret.Str("title"), problem.Str("title"));
        }
    }

    [Fact]
    public async Task A_missing_field_is_a_400_naming_the_field()
    {
        using var client = _host.CreateClient();
        var response = await client.PostAsJsonAsync(
            "/authenticate", new { client_id = _acme.ClientId, customer_id = _acme.CustomerId });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "secret", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name),
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_that_says_where()
    {
        using var client = _host.CreateClient();
        using var content = new StringContent("{\"client_id\": \"x\", \"secret\": ", Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/authenticate", content);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("line", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_call_without_a_token_is_401_with_WWW_Authenticate()
    {
        using var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add("PB-Customer-Id", _acme.CustomerId);
        var response = await client.GetAsync("/me");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_call_without_PB_Customer_Id_is_400()
    {
        using var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await _acme.TokenAsync());
        var problem = await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:communique:problem:missing-customer-id", problem.Str("type"));
    }

    [Fact]
    public async Task A_PB_Customer_Id_differing_only_in_case_is_403()
    {
        using var client = _host.ClientFor(await _acme.TokenAsync(), "eocm-ACME-Corp");
        var problem = await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("urn:communique:problem:customer-id-mismatch", problem.Str("type"));
    }

    [Fact]
    public async Task Both_headers_reach_a_private_endpoint()
    {
        using var client = await _acme.AdminAsync();
        var me = await (await client.GetAsync("/me")).JsonAsync();
        Assert.Equal("credential", me.Str("kind"));
        Assert.Equal("bootstrap", me.Str("name"));
        Assert.Equal("General", me.Str("teamName"));
        Assert.Equal("eocm-Acme-Corp", me.Str("customerId"));
    }

    [Fact]
    public async Task A_tampered_signature_is_401()
    {
        var token = await _acme.TokenAsync();
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[5] ^= 0x01;
        var tampered = $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";

        using var client = _host.ClientFor(tampered, _acme.CustomerId);
        await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_tampered_payload_is_401()
    {
        var parts = (await _acme.TokenAsync()).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("administrator", "designer", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        using var client = _host.ClientFor(tampered, _acme.CustomerId);
        await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_alg_none_token_is_401()
    {
        var parts = (await _acme.TokenAsync()).Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        using var client = _host.ClientFor($"{header}.{parts[1]}.", _acme.CustomerId);
        await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_HS256_token_signed_with_the_public_key_is_401()
    {
        var token = await _acme.TokenAsync();
        var jwt = new JsonWebToken(token);
        var jwks = await (await _host.CreateClient().GetAsync("/.well-known/jwks.json")).JsonAsync();
        var publicJwk = jwks.GetProperty("keys")[0].GetRawText();

        var header = Base64UrlEncoder.Encode($$"""{"alg":"HS256","kid":"{{jwt.Kid}}","typ":"JWT"}""");
        var payload = token.Split('.')[1];
        var forged = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(publicJwk), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        using var client = _host.ClientFor($"{header}.{payload}.{Base64UrlEncoder.Encode(forged)}", _acme.CustomerId);
        await (await client.GetAsync("/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_expires_after_an_hour()
    {
        using var client = _host.ClientFor(await _acme.TokenAsync(), _acme.CustomerId);
        _host.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        var response = await client.GetAsync("/me");
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hundred_rapid_wrong_secrets_are_throttled_with_429()
    {
        using var client = _host.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 100; i++)
        {
            last = await client.PostAsJsonAsync("/authenticate", Body(secret: "wrong-" + i));
            statuses.Add(last.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(
            int.Parse(last.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        // While throttled even the right secret waits; after the window it works again.
        Assert.Equal(
            HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/authenticate", Body())).StatusCode);
        _host.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/authenticate", Body())).StatusCode);
    }

    [Fact]
    public async Task The_token_verifies_with_the_published_jwks()
    {
        var token = await _acme.TokenAsync();
        var jwks = new JsonWebKeySet(await _host.CreateClient().GetStringAsync("/.well-known/jwks.json"));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.All(jwks.Keys, k => Assert.Null(k.D));
    }

    [Fact]
    public async Task Rotating_keys_signs_with_the_new_key_and_keeps_old_tokens_valid()
    {
        var before = await _acme.TokenAsync();
        await _host.WithDbAsync(
            db => KeyRing.RotateAsync(db, _host.Service<MasterKey>(), _host.Clock, CancellationToken.None));
        _host.Service<KeyRing>().Forget();

        var after = await _acme.TokenAsync();
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        using (var oldClient = _host.ClientFor(before, _acme.CustomerId))
        {
            Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/me")).StatusCode);
        }

        var kids = (await (await _host.CreateClient().GetAsync("/.well-known/jwks.json")).JsonAsync())
            .GetProperty("keys").EnumerateArray().Select(k => k.Str("kid")).ToList();
        Assert.Contains(new JsonWebToken(before).Kid, kids);
        Assert.Contains(new JsonWebToken(after).Kid, kids);

        // Once every token the old key signed has expired, it is no longer published.
        _host.Clock.Advance(TimeSpan.FromHours(2));
        _host.Service<KeyRing>().Forget();
        kids = (await (await _host.CreateClient().GetAsync("/.well-known/jwks.json")).JsonAsync())
            .GetProperty("keys").EnumerateArray().Select(k => k.Str("kid")).ToList();
        Assert.DoesNotContain(new JsonWebToken(before).Kid, kids);
    }

    [Fact]
    public async Task Every_response_carries_a_request_id_and_problems_quote_it()
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Add("X-Request-Id", "trace-123");
        var response = await client.SendAsync(request);

        Assert.Equal("trace-123", response.Headers.GetValues("X-Request-Id").Single());
        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("trace-123", problem.Str("requestId"));
    }
}
