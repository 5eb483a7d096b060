using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Nlu.Engine;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Nlu;

public static class NluParse
{
    public const int MaxTop = 20;

    public static RouteGroupBuilder MapNluParse(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/nlu/models/{id:guid}/parse").WithTags("NLU parsing").WithGroupName("nlu")
            .RequireTeamCaller();
        group.MapPost("", Parse).RequireAccess(Area.Communications, Access.View)
            .WithSummary(
                "The intent (or out of scope), a ranking and the entities of a text, from the model's active version.");
        return group;
    }

    private static async Task<Results<Ok<ParseResponse>, ValidationProblem, ProblemHttpResult>> Parse(
        Guid id, ParseRequest request, AppDb db, NluModelCache cache, NluEngine engine, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return Problems.Invalid("text", "Give the text to parse.");
        }

        if (request.Text.Length > NluRules.MaxParseLength)
        {
            return Problems.Invalid("text", $"A text to parse is at most {NluRules.MaxParseLength} characters.");
        }

        if (request.Language is not null && !NluRules.IsLanguage(request.Language))
        {
            return Problems.Invalid("language", $"'{request.Language}' is not a language tag (e.g. en, fr, pt-BR).");
        }

        if (request.Top is < 1 or > MaxTop)
        {
            return Problems.Invalid("top", $"top is between 1 and {MaxTop}.");
        }

        var model = await db.NluModels.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new { m.ActiveVersionId, m.Threshold }).FirstOrDefaultAsync(cancellationToken);
        if (model is null)
        {
            return Problems.NotFound("NLU model");
        }

        if (model.ActiveVersionId is not { } active)
        {
            return Problems.Conflict("The model has no active version: train one, and activate it when it is ready.");
        }

        var version = await cache.GetAsync(active, cancellationToken);
        var threshold = model.Threshold ?? version.Threshold;
        var text = request.Text;
        var vector = engine.Encoder.Encode(text);
        var prediction = version.Classifier.Parse(text, vector, request.Top ?? 5);
        var inScope = IntentClassifier.Confidence(prediction.InScopeScore);
        var outOfScope = inScope < threshold;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var entities = version.Entities.Extract(text, today)
            .Select(e => new ParsedEntity(e.Entity, e.Raw, e.Value, e.Start, e.End)).ToList();
        return TypedResults.Ok(new ParseResponse(
            text,
            outOfScope ? null : new RankedIntent(prediction.BestIntent, Math.Round(prediction.Probability, 4)),
            outOfScope,
            Math.Round(inScope, 4),
            threshold,
            [.. prediction.Ranking.Select(r => new RankedIntent(r.Intent, Math.Round(r.Probability, 4)))],
            entities,
            version.Number));
    }
}
