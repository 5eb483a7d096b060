using System.Text;
using System.Text.Json;
using Communique.Data;
using Communique.Http;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;

namespace Communique.Nlu;

// Training data as one document (JSON) or as CSV rows `text,intent`, read from and written to a model's rows.
public static class NluTrainingData
{
    public const int MaxImportBytes = 32 * 1024 * 1024;

    public static async Task<TrainingData?> LoadAsync(AppDb db, Guid modelId, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == modelId, cancellationToken);
        if (model is null)
        {
            return null;
        }

        var intents = await db.NluIntents.AsNoTracking().Where(i => i.ModelId == modelId).OrderBy(i => i.Name)
            .Select(i => new { i.Name, i.Utterances }).ToListAsync(cancellationToken);
        var entities = await db.NluEntities.AsNoTracking().Where(e => e.ModelId == modelId).OrderBy(e => e.Name)
            .ToListAsync(cancellationToken);
        return new TrainingData(
            model.Language,
            [
                .. intents.Select(i =>
                    new IntentData(i.Name, JsonSerializer.Deserialize<List<Utterance>>(i.Utterances, NluRules.Json)!)),
            ],
            [
                .. entities.Select(e => new EntityData(
                    e.Name,
                    WireNames.Of(e.Kind),
                    JsonSerializer.Deserialize<List<EntityValueDto>>(e.Values, NluRules.Json),
                    e.Pattern)),
            ],
            model.BuiltIns.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    public static string ToCsv(TrainingData data)
    {
        var csv = new StringBuilder("text,intent\n");
        foreach (var intent in data.Intents)
        {
            foreach (var utterance in intent.Utterances)
            {
                csv.Append(Reporting.ReportsApi.Csv(utterance.Text)).Append(',')
                    .Append(Reporting.ReportsApi.Csv(intent.Name)).Append('\n');
            }
        }

        return csv.ToString();
    }

    public static async Task<(TrainingData? Data, IResult? Problem)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        // The import endpoint's body limit (MaxImportBytes) stops the copy (413) once it passes the limit.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        var csv = request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;
        if (!csv && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, TypedResults.Problem(
                "Send JSON (application/json, as export gives it) or CSV (text/csv, columns text,intent).",
                statusCode: 415, type: ProblemTypes.ForStatus(415)));
        }

        TrainingData? data;
        try
        {
            data = csv ? FromCsv(buffer) : JsonSerializer.Deserialize<TrainingData>(buffer, NluRules.Json);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException)
        {
            return (null, Problems.Invalid(csv ? "csv" : "json", e.Message));
        }

        if (data is null)
        {
            return (null, Problems.Invalid("json", "The body is not training data."));
        }

        var errors = new Dictionary<string, string[]>();
        var intents = data.Intents ?? [];
        var entities = data.Entities ?? [];
        if (intents.Count > NluRules.MaxIntents)
        {
            errors["intents"] = [$"At most {NluRules.MaxIntents} intents."];
        }

        for (var i = 0; i < intents.Count && errors.Count < 20; i++)
        {
            if (intents[i]?.Name is not { } name || !NluRules.IntentName().IsMatch(name))
            {
                errors[$"intents[{i}].name"] = [NluRules.IntentNameRule];
            }

            NluRules.CheckUtterances(intents[i]?.Utterances, $"intents[{i}].utterances", errors);
        }

        for (var i = 0; i < entities.Count && errors.Count < 20; i++)
        {
            NluRules.CheckEntity(entities[i], $"entities[{i}].", errors);
        }

        return errors.Count > 0
            ? (null, Problems.Invalid(errors))
            : (data with { Intents = intents, Entities = entities }, null);
    }

    private static TrainingData FromCsv(Stream content)
    {
        using var reader = Sep.Reader(o => o with { HasHeader = true, Unescape = true, Trim = SepTrim.Outer })
            .From(content);
        if (!reader.Header.TryIndexOf("text", out var text) || !reader.Header.TryIndexOf("intent", out var intent))
        {
            throw new InvalidDataException("The first row must name the columns text and intent.");
        }

        var byIntent = new Dictionary<string, List<Utterance>>(StringComparer.Ordinal);
        var line = 1;
        foreach (var row in reader)
        {
            line++;
            var name = row[intent].ToString();
            var utterance = row[text].ToString();
            if (name.Length == 0 || utterance.Length == 0)
            {
                throw new InvalidDataException($"Row {line} needs both text and intent.");
            }

            (byIntent.TryGetValue(name, out var list) ? list : byIntent[name] = []).Add(new Utterance(utterance));
        }

        return new TrainingData("", [.. byIntent.Select(p => new IntentData(p.Key, p.Value))], [], []);
    }

    public static async Task<ImportResult> ImportAsync(
        AppDb db, Guid modelId, TrainingData data, bool replace, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (replace)
        {
            await db.NluIntents.Where(i => i.ModelId == modelId).ExecuteDeleteAsync(cancellationToken);
            await db.NluEntities.Where(e => e.ModelId == modelId).ExecuteDeleteAsync(cancellationToken);
        }

        var existing = await db.NluIntents.Where(i => i.ModelId == modelId)
            .ToDictionaryAsync(i => i.Name, StringComparer.Ordinal, cancellationToken);
        var utterances = 0;
        foreach (var group in data.Intents.GroupBy(i => i.Name, StringComparer.Ordinal))
        {
            if (!existing.TryGetValue(group.Key, out var intent))
            {
                intent = new NluIntent { ModelId = modelId, Name = group.Key, CreatedAt = db.Now };
                db.NluIntents.Add(intent);
            }

            var all = JsonSerializer.Deserialize<List<Utterance>>(intent.Utterances, NluRules.Json)!;
            var before = all.Count;
            all.AddRange(
                group.SelectMany(g => g.Utterances ?? []).Select(u => new Utterance(u.Text.Trim(), u.Language)));
            all = [.. all.DistinctBy(u => (u.Text, u.Language))];
            intent.Utterances = JsonSerializer.Serialize(all, NluRules.Json);
            intent.UtteranceCount = all.Count;
            intent.UpdatedAt = db.Now;
            utterances += all.Count - before;
        }

        var entities = await db.NluEntities.Where(e => e.ModelId == modelId)
            .ToDictionaryAsync(e => e.Name, StringComparer.Ordinal, cancellationToken);
        foreach (var entity in data.Entities)
        {
            if (!entities.TryGetValue(entity.Name, out var row))
            {
                row = new NluEntity { ModelId = modelId, Name = entity.Name, CreatedAt = db.Now };
                db.NluEntities.Add(row);
                entities[entity.Name] = row;
            }

            row.Kind = entity.Kind == "regex" ? NluEntityKind.Regex : NluEntityKind.List;
            row.Pattern = row.Kind == NluEntityKind.Regex ? entity.Pattern : null;
            row.Values = JsonSerializer.Serialize(row.Kind == NluEntityKind.List ? entity.Values : [], NluRules.Json);
            row.UpdatedAt = db.Now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var intents = data.Intents.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count();
        return new ImportResult(intents, utterances, data.Entities.Count);
    }
}
