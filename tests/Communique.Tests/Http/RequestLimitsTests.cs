using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Communique.Http;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Http;

// Every string a client sends in a JSON body has a stated maximum, checked before the handler runs, and a body is
// refused by its declared size before it is read.
public sealed class RequestLimitsTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Every_string_of_every_json_request_body_has_a_maximum_length()
    {
        var bodies = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType)
            .OfType<Type>().Distinct().ToList();
        Assert.Contains(typeof(Communique.Auth.AuthenticateRequest), bodies);

        var unbounded = new List<string>();
        foreach (var body in bodies)
        {
            Collect(body, body.Name, unbounded, []);
        }

        Assert.True(unbounded.Count == 0, "Strings without a maximum length: " + string.Join(", ", unbounded));
    }

    [Fact]
    public async Task The_maximum_lengths_are_in_the_openapi_document()
    {
        using var client = _host.CreateClient();
        var document = await (await client.GetAsync("/openapi/users.json")).JsonAsync();
        var clientId = document.GetProperty("components").GetProperty("schemas").GetProperty("AuthenticateRequest")
            .GetProperty("properties").GetProperty("client_id");
        Assert.Equal(200, clientId.GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public async Task A_string_over_its_maximum_is_a_400_naming_the_field()
    {
        using var client = _host.CreateClient();
        var response = await client.PostAsync("/authenticate", Json(new
        {
            client_id = new string('x', 201), secret = "s", customer_id = "eocm-Acme",
        }));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("clientid", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name.Replace("_", "",
            StringComparison.Ordinal)),
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_json_body_declared_over_the_limit_is_refused_with_413()
    {
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Http:MaxJsonBodyBytes"] = "65536",
        });
        using var client = host.CreateClient();
        var response = await client.PostAsync("/authenticate", Json(new
        {
            client_id = new string('x', 2_000_000), secret = "s", customer_id = "eocm-Acme",
        }));
        var problem = await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("urn:communique:problem:payload-too-large", problem.Str("type"));
    }

    private static void Collect(Type type, string path, List<string> unbounded, HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.Namespace?.StartsWith("Communique", StringComparison.Ordinal) != true)
        {
            return;
        }

        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .GroupBy(p => p.Name!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(),
                StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p =>
            p.CanWrite || parameters.ContainsKey(p.Name)))
        {
            var attributes = property.GetCustomAttributes(true).Concat(
                parameters.TryGetValue(property.Name, out var parameter) ? parameter.GetCustomAttributes(true) : [])
                    .ToList();
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var where = $"{path}.{property.Name}";
            if (propertyType == typeof(string))
            {
                if (!attributes.Any(a => a is MaxLengthAttribute or StringLengthAttribute))
                {
                    unbounded.Add(where);
                }
            }
            else if (propertyType != typeof(JsonElement) && typeof(IEnumerable).IsAssignableFrom(propertyType)
                     && propertyType.IsGenericType)
            {
                var element = propertyType.GetGenericArguments()[^1];
                if (!attributes.Any(a => a is MaxLengthAttribute))
                {
                    unbounded.Add(where + " (item count)");
                }

                if (element == typeof(string) && !attributes.Any(a => a is EachMaxLengthAttribute))
                {
                    unbounded.Add(where + "[]");
                }

                Collect(element, where + "[]", unbounded, seen);
            }
            else
            {
                Collect(propertyType, where, unbounded, seen);
            }
        }
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8,
        "application/json");
}
