using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Nlu.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Nlu;

// The nlu group: models, their intents and entities, import and export of training data.
public static class NluModelsApi
{
    public static RouteGroupBuilder MapNluModels(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/nlu/models").WithTags("NLU models").WithGroupName("nlu").RequireTeamCaller();
        models.MapGet("", List).RequireAccess(Area.Communications, Access.View).WithSummary("The team's NLU models.");
        models.MapPost("", Create).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Create a model (names are unique in the team).");
        models.MapGet("/{id:guid}", Get).RequireAccess(Area.Communications, Access.View).WithSummary("One model.");
        models.MapPut("/{id:guid}", Update).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Rename a model, or change its language, out-of-scope threshold (null: the trained one) "
                + "or built-in entities.");
        models.MapDelete("/{id:guid}", Delete).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Delete a model with its data and versions.");

        var intents = models.MapGroup("/{id:guid}/intents").WithTags("NLU intents");
        intents.MapGet("", ListIntents).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The model's intents (names and utterance counts).");
        intents.MapPost("", CreateIntent).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Add an intent with its example utterances.");
        intents.MapGet("/{intent:guid}", GetIntent).RequireAccess(Area.Communications, Access.View)
            .WithSummary("An intent with its utterances.");
        intents.MapPut("/{intent:guid}", UpdateIntent).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Rename an intent and/or replace its utterances.");
        intents.MapDelete("/{intent:guid}", DeleteIntent).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Remove an intent.");

        var entities = models.MapGroup("/{id:guid}/entities").WithTags("NLU entities");
        entities.MapGet("", ListEntities).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The model's own entities.");
        entities.MapPost("", CreateEntity).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary(
                "Add an entity: a list of values with synonyms, or a regular expression (checked for slow patterns).");
        entities.MapGet("/{entity:guid}", GetEntity).RequireAccess(Area.Communications, Access.View)
            .WithSummary("One entity.");
        entities.MapPut("/{entity:guid}", UpdateEntity).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Replace an entity.");
        entities.MapDelete("/{entity:guid}", DeleteEntity).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Remove an entity.");

        models.MapGet("/{id:guid}/export", Export).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The training data as JSON, or as CSV text,intent (format=csv).");
        models.MapPost("/{id:guid}/import", Import).RequireAccess(Area.Communications, Access.Edit).DisableAntiforgery()
            .WithBodyLimit(NluTrainingData.MaxImportBytes)
            .WithSummary("Import training data: JSON as export gives it, or CSV text,intent (text/csv). "
                + "mode=merge (default) adds utterances; replace replaces the intents and entities.");
        return models;
    }

    private static async Task<Results<Ok<Page<ModelResponse>>, ValidationProblem>> List(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.NluModels.AsNoTracking().Where(m => after == null || m.Id.CompareTo(after.Value) > 0)
            .OrderBy(m => m.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(ModelResponse.From).ToList(), take, m => m.Id));
    }

    private static async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.NluModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken) is { } model
            ? TypedResults.Ok(ModelResponse.From(model))
            : Problems.NotFound("NLU model");

    private static async Task<Results<Created<ModelResponse>, ValidationProblem, ProblemHttpResult>> Create(
        ModelRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var model = new NluModel { Name = "", CreatedAt = db.Now, UpdatedAt = db.Now };
        if (Apply(request, model, creating: true) is { } invalid)
        {
            return invalid;
        }

        db.NluModels.Add(model);
        var duplicate = $"The team already has a model named '{model.Name}'.";
        return await SaveUniqueAsync(db, duplicate, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Created($"/nlu/models/{model.Id}", ModelResponse.From(model));
    }

    private static async Task<Results<Ok<ModelResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, ModelRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound("NLU model");
        }

        if (Apply(request, model, creating: false) is { } invalid)
        {
            return invalid;
        }

        model.UpdatedAt = db.Now;
        var duplicate = $"The team already has a model named '{model.Name}'.";
        return await SaveUniqueAsync(db, duplicate, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Ok(ModelResponse.From(model));
    }

    private static ValidationProblem? Apply(ModelRequest request, NluModel model, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (creating || request.Name is not null)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 200)
            {
                errors["name"] = ["Name the model (at most 200 characters)."];
            }
        }

        if (request.Language is not null && !NluRules.IsLanguage(request.Language))
        {
            errors["language"] = [$"'{request.Language}' is not a language tag (e.g. en, fr, pt-BR)."];
        }

        if (request.Threshold is < 0 or > 1 || (request.Threshold is { } t && double.IsNaN(t)))
        {
            errors["threshold"] =
                ["The out-of-scope threshold is a confidence between 0 and 1 (null: the one tuned in training)."];
        }

        var unknown = (request.BuiltIns ?? []).Where(b => !BuiltInEntities.Names.Contains(b)).ToList();
        if (unknown.Count > 0)
        {
            errors["builtIns"] =
            [
                $"Unknown built-in entities: {string.Join(", ", unknown)} "
                + $"(there are {string.Join(", ", BuiltInEntities.Names)}).",
            ];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        model.Name = name ?? model.Name;
        model.Language = request.Language ?? model.Language;
        if (!creating || request.Threshold is not null)
        {
            model.Threshold = request.Threshold;
        }

        if (request.BuiltIns is not null)
        {
            model.BuiltIns = string.Join(',', BuiltInEntities.Names.Where(request.BuiltIns.Contains));
        }

        return null;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, IBlobStore blobs, NluModelCache cache, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound("NLU model");
        }

        var versions = await db.NluModelVersions.Where(v => v.ModelId == id).Select(v => v.Id)
            .ToListAsync(cancellationToken);
        db.NluModels.Remove(model);
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(id);
        await db.ReleaseBlobsAsync(blobs, versions, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<IntentSummary>>, ValidationProblem, ProblemHttpResult>> ListIntents(
        Guid id, AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        if (!await db.NluModels.AnyAsync(m => m.Id == id, cancellationToken))
        {
            return Problems.NotFound("NLU model");
        }

        var rows = await db.NluIntents.AsNoTracking()
            .Where(i => i.ModelId == id && (after == null || i.Id.CompareTo(after.Value) > 0))
            .OrderBy(i => i.Id).Take(take + 1)
            .Select(i => new IntentSummary(i.Id, i.Name, i.UtteranceCount, i.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows, take, i => i.Id));
    }

    private static async Task<Results<Ok<IntentResponse>, ProblemHttpResult>> GetIntent(
        Guid id, Guid intent, AppDb db, CancellationToken cancellationToken) =>
        await db.NluIntents.AsNoTracking()
            .FirstOrDefaultAsync(i => i.ModelId == id && i.Id == intent, cancellationToken) is { } row
            ? TypedResults.Ok(IntentResponse.From(row))
            : Problems.NotFound("intent");

    private static async Task<Results<Created<IntentResponse>, ValidationProblem, ProblemHttpResult>> CreateIntent(
        Guid id, IntentRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if (!await db.NluModels.AnyAsync(m => m.Id == id, cancellationToken))
        {
            return Problems.NotFound("NLU model");
        }

        if (CheckIntent(request, creating: true) is { } invalid)
        {
            return invalid;
        }

        var intent = new NluIntent
        {
            ModelId = id, Name = request.Name!.Trim(), CreatedAt = db.Now, UpdatedAt = db.Now,
        };
        SetUtterances(intent, request.Utterances ?? []);
        db.NluIntents.Add(intent);
        var duplicate = $"The model already has an intent named '{intent.Name}'.";
        return await SaveUniqueAsync(db, duplicate, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Created($"/nlu/models/{id}/intents/{intent.Id}", IntentResponse.From(intent));
    }

    private static async Task<Results<Ok<IntentResponse>, ValidationProblem, ProblemHttpResult>> UpdateIntent(
        Guid id, Guid intent, IntentRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var row = await db.NluIntents.FirstOrDefaultAsync(i => i.ModelId == id && i.Id == intent, cancellationToken);
        if (row is null)
        {
            return Problems.NotFound("intent");
        }

        if (CheckIntent(request, creating: false) is { } invalid)
        {
            return invalid;
        }

        row.Name = request.Name?.Trim() ?? row.Name;
        if (request.Utterances is not null)
        {
            SetUtterances(row, request.Utterances);
        }

        row.UpdatedAt = db.Now;
        var duplicate = $"The model already has an intent named '{row.Name}'.";
        return await SaveUniqueAsync(db, duplicate, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Ok(IntentResponse.From(row));
    }

    private static ValidationProblem? CheckIntent(IntentRequest request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        var named = request.Name is not null && NluRules.IntentName().IsMatch(request.Name.Trim());
        if ((creating || request.Name is not null) && !named)
        {
            errors["name"] = [NluRules.IntentNameRule];
        }

        NluRules.CheckUtterances(request.Utterances, "utterances", errors);
        return errors.Count > 0 ? Problems.Invalid(errors) : null;
    }

    private static void SetUtterances(NluIntent intent, IReadOnlyList<Utterance> utterances)
    {
        var clean = utterances.Select(u => new Utterance(u.Text.Trim(), u.Language))
            .DistinctBy(u => (u.Text, u.Language)).ToList();
        intent.Utterances = JsonSerializer.Serialize(clean, NluRules.Json);
        intent.UtteranceCount = clean.Count;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteIntent(
        Guid id, Guid intent, AppDb db, CancellationToken cancellationToken)
    {
        var removed = await db.NluIntents.Where(i => i.ModelId == id && i.Id == intent)
            .ExecuteDeleteAsync(cancellationToken);
        return removed == 0 ? Problems.NotFound("intent") : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<EntityResponse>>, ValidationProblem, ProblemHttpResult>> ListEntities(
        Guid id, AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        if (!await db.NluModels.AnyAsync(m => m.Id == id, cancellationToken))
        {
            return Problems.NotFound("NLU model");
        }

        var rows = await db.NluEntities.AsNoTracking()
            .Where(e => e.ModelId == id && (after == null || e.Id.CompareTo(after.Value) > 0))
            .OrderBy(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(EntityResponse.From).ToList(), take, e => e.Id));
    }

    private static async Task<Results<Ok<EntityResponse>, ProblemHttpResult>> GetEntity(
        Guid id, Guid entity, AppDb db, CancellationToken cancellationToken) =>
        await db.NluEntities.AsNoTracking()
            .FirstOrDefaultAsync(e => e.ModelId == id && e.Id == entity, cancellationToken) is { } row
            ? TypedResults.Ok(EntityResponse.From(row))
            : Problems.NotFound("entity");

    private static async Task<Results<Created<EntityResponse>, ValidationProblem, ProblemHttpResult>> CreateEntity(
        Guid id, EntityRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if (!await db.NluModels.AnyAsync(m => m.Id == id, cancellationToken))
        {
            return Problems.NotFound("NLU model");
        }

        var data = new EntityData(request.Name?.Trim() ?? "", request.Kind ?? "", request.Values, request.Pattern);
        var errors = new Dictionary<string, string[]>();
        NluRules.CheckEntity(data, "", errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var entity = new NluEntity { ModelId = id, Name = data.Name, CreatedAt = db.Now, UpdatedAt = db.Now };
        SetEntity(entity, data);
        db.NluEntities.Add(entity);
        var duplicate = $"The model already has an entity named '{entity.Name}'.";
        return await SaveUniqueAsync(db, duplicate, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Created($"/nlu/models/{id}/entities/{entity.Id}", EntityResponse.From(entity));
    }

    private static async Task<Results<Ok<EntityResponse>, ValidationProblem, ProblemHttpResult>> UpdateEntity(
        Guid id, Guid entity, EntityRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var row = await db.NluEntities.FirstOrDefaultAsync(e => e.ModelId == id && e.Id == entity, cancellationToken);
        if (row is null)
        {
            return Problems.NotFound("entity");
        }

        var data = new EntityData(
            request.Name?.Trim() ?? row.Name, request.Kind ?? WireNames.Of(row.Kind), request.Values, request.Pattern);
        var errors = new Dictionary<string, string[]>();
        NluRules.CheckEntity(data, "", errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        row.Name = data.Name;
        SetEntity(row, data);
        row.UpdatedAt = db.Now;
        var duplicate = $"The model already has an entity named '{row.Name}'.";
        return await SaveUniqueAsync(db, duplicate, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Ok(EntityResponse.From(row));
    }

    private static void SetEntity(NluEntity entity, EntityData data)
    {
        entity.Kind = data.Kind == "regex" ? NluEntityKind.Regex : NluEntityKind.List;
        entity.Pattern = entity.Kind == NluEntityKind.Regex ? data.Pattern : null;
        var values = entity.Kind == NluEntityKind.List
            ? data.Values!
                .Select(v => new EntityValueDto(
                    v.Value.Trim(), [.. (v.Synonyms ?? []).Select(s => s.Trim()).Distinct()]))
                .ToList()
            : [];
        entity.Values = JsonSerializer.Serialize(values, NluRules.Json);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteEntity(
        Guid id, Guid entity, AppDb db, CancellationToken cancellationToken)
    {
        var removed = await db.NluEntities.Where(e => e.ModelId == id && e.Id == entity)
            .ExecuteDeleteAsync(cancellationToken);
        return removed == 0 ? Problems.NotFound("entity") : TypedResults.NoContent();
    }

    private static async Task<IResult> Export(Guid id, string? format, AppDb db, CancellationToken cancellationToken)
    {
        if (format is not (null or "json" or "csv"))
        {
            return Problems.Invalid("format", "format is json (the default) or csv.");
        }

        var data = await NluTrainingData.LoadAsync(db, id, cancellationToken);
        if (data is null)
        {
            return Problems.NotFound("NLU model");
        }

        return format == "csv"
            ? TypedResults.Text(NluTrainingData.ToCsv(data), "text/csv; charset=utf-8")
            : TypedResults.Ok(data);
    }

    private static async Task<IResult> Import(
        Guid id, string? mode, HttpRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if (mode is not (null or "merge" or "replace"))
        {
            return Problems.Invalid("mode", "mode is merge (the default: utterances are added) or replace.");
        }

        if (!await db.NluModels.AnyAsync(m => m.Id == id, cancellationToken))
        {
            return Problems.NotFound("NLU model");
        }

        var read = await NluTrainingData.ReadAsync(request, cancellationToken);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        var result = await NluTrainingData.ImportAsync(db, id, read.Data!, mode == "replace", cancellationToken);
        return TypedResults.Ok(result);
    }

    private static async Task<ProblemHttpResult?> SaveUniqueAsync(
        AppDb db, string conflict, CancellationToken cancellationToken) =>
        await db.SaveUniqueAsync(cancellationToken) ? null : Problems.Conflict(conflict);
}
