using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Communique.Tests.Http;

// RequestShape names each error by the JSON path the client wrote, into nested records and lists.
public sealed class RequestShapeTests
{
    public sealed record Recipient([property: JsonPropertyName("email"), Required, EmailAddress] string? Email);

    public sealed record Envelope(
        [property: JsonPropertyName("reply_to"), Mailbox] string? ReplyTo,
        [Required] Recipient? PrimaryContact,
        [MaxLength(3)] List<Recipient>? Recipients,
        [Future] DateTime? SendAt);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private Dictionary<string, string[]>? Errors(Envelope envelope)
    {
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock).BuildServiceProvider();
        return (RequestShape.Problem(envelope, services)?.ProblemDetails.Errors)?.ToDictionary();
    }

    [Fact]
    public void Errors_are_keyed_by_json_names_with_paths_into_nested_records_and_lists()
    {
        var errors = Errors(new Envelope(
            "ann@example.com, bob@example.com", new Recipient(null),
            [new("a@example.com"), new("b@example.com"), new("b"), new(null)],
            _clock.GetUtcNow().UtcDateTime))!;

        Assert.Equal(
            ["reply_to", "primaryContact.email", "recipients", "recipients[2].email", "recipients[3].email", "sendAt"],
            errors.Keys);
        Assert.Equal(["The email field is required."], errors["primaryContact.email"]);
        Assert.Equal(["The sendAt must be a time in the future (UTC)."], errors["sendAt"]);
    }

    [Fact]
    public void A_body_that_keeps_every_rule_has_no_problem()
    {
        Assert.Null(Errors(new Envelope(
            "Help <help@example.com>", new Recipient("a@example.com"), [new("b@example.com")],
            _clock.GetUtcNow().UtcDateTime.AddMinutes(1))));
        Assert.Null(Errors(new Envelope(null, new Recipient("a@example.com"), null, null)));
    }

    [Fact]
    public void The_problem_is_the_apis_validation_problem()
    {
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock).BuildServiceProvider();
        var problem = RequestShape.Problem(new Envelope(null, null, null, null), services);
        Assert.IsType<ValidationProblem>(problem);
        Assert.Equal(400, problem.StatusCode);
        Assert.Equal("urn:communique:problem:validation", problem.ProblemDetails.Type);
        Assert.Equal("primaryContact: The primaryContact field is required.", problem.ProblemDetails.Detail);
    }
}
