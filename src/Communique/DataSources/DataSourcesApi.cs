using System.Buffers.Text;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Data;
using Communique.DataSources.Import;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.DataSources;

// Recipient data: upload, schema, records. GET /data and GET /data/{id} keep EngageOne's shapes.
public static class DataSourcesApi
{
    public static RouteGroupBuilder MapDataSources(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/data").WithTags("Data sources").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.DataSources, Access.View)
            .WithSummary("The team's data sources (EngageOne-compatible).");
        group.MapPost("", Upload).RequireAccess(Area.DataSources, Access.Edit).DisableAntiforgery()
            .WithSummary("Upload a data source: multipart/form-data with fields name, optional format (csv, json, "
                + "xlsx, xml), locale (e.g. en-US) and uniqueField, then the file. Small files are imported at once "
                + "(201); larger ones, or with field async=true, by a job (202).");
        group.MapGet("/{id:guid}", Records).RequireAccess(Area.DataSources, Access.View)
            .WithSummary("The records, each with its uuid (EngageOne-compatible); paged with limit and cursor.");
        group.MapGet("/{id:guid}/schema", Schema).RequireAccess(Area.DataSources, Access.View)
            .WithSummary("The source, its schema and last import.");
        group.MapPut("/{id:guid}/schema", ChangeSchema).RequireAccess(Area.DataSources, Access.Edit)
            .WithSummary("Rename, hide or retype fields, set formats, the unique identifier or the data standard.");
        group.MapGet("/{id:guid}/records", RecordPage).RequireAccess(Area.DataSources, Access.View)
            .WithSummary("Records in pages.");
        group.MapGet("/{id:guid}/records/{uuid:guid}", Record).RequireAccess(Area.DataSources, Access.View)
            .WithSummary("One record by uuid.");
        group.MapPost("/{id:guid}/import", Reimport).RequireAccess(Area.DataSources, Access.Edit).DisableAntiforgery()
            .WithSummary("Replace (mode=replace) or extend (mode=append) the records from a new file.");
        group.MapPost("/{id:guid}/import/cancel", CancelImport).RequireAccess(Area.DataSources, Access.Edit)
            .WithSummary("Cancel the data source's queued or running import; the source keeps the records it had.");
        group.MapDelete("/{id:guid}", Delete).RequireAccess(Area.DataSources, Access.Edit)
            .WithSummary("Delete a data source and its records (409 while a campaign uses it).");
        return group;
    }

    private static async Task<Ok<List<DataSourceResponse>>> List(AppDb db, CancellationToken cancellationToken)
    {
        var sources = await db.DataSources.AsNoTracking().OrderBy(d => d.Name).ToListAsync(cancellationToken);
        foreach (var source in sources)
        {
            await SeeImportAsync(db, source, cancellationToken);
        }

        return TypedResults.Ok(sources.Select(DataSourceResponse.From).ToList());
    }

    private static async Task<Results<Ok<DataSourceResponse>, ProblemHttpResult>> Schema(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        await SeeImportAsync(db, source, cancellationToken);
        return TypedResults.Ok(DataSourceResponse.From(source));
    }

    // An import job cancelled before it started, or dead-lettered, never reset the source: its job's state says so.
    private static async Task SeeImportAsync(AppDb db, DataSource source, CancellationToken cancellationToken)
    {
        source.ImportAlive = source.Status == DataSourceStatus.Importing && source.ImportJobId is { } job
            && await db.Jobs.AnyAsync(j => j.Id == job && (j.State == JobState.Queued || j.State == JobState.Running),
                cancellationToken);
    }

    private static async Task<Results<Created<DataSourceResponse>, Accepted<DataSourceResponse>, ValidationProblem,
        ProblemHttpResult>> Upload(
        HttpRequest request, AppDb db, IBlobStore blobs, DataImporter importer, IOptions<DataSourceOptions> options,
        CancellationToken cancellationToken)
    {
        // The file goes to the blob store as it arrives, so the fields may come before or after it.
        var (upload, failure) = await ReadUploadAsync(request, blobs, options.Value.MaxBytes, cancellationToken);
        if (failure != UploadFailure.None)
        {
            return failure == UploadFailure.TooLarge ? Problems.TooLarge(options.Value.MaxBytes) : Refused(failure);
        }

        var (fields, fileName, stored) = upload!;
        var errors = new Dictionary<string, string[]>();
        var name = fields.GetValueOrDefault("name")?.Trim() is { Length: > 0 and <= 200 } given ? given : null;
        if (name is null)
        {
            errors["name"] = ["A name of 1 to 200 characters is needed."];
        }
        else if (!SingleLine.Allows(name))
        {
            errors["name"] = [SingleLine.Refusal("name")];
        }

        var format = FormatOf(fields.GetValueOrDefault("format"), fileName);
        if (format is null)
        {
            errors["format"] = ["Must be csv, json, xlsx or xml, or follow from the file name's extension."];
        }

        var locale = fields.GetValueOrDefault("locale") ?? "en-US";
        if (!IsLocale(locale))
        {
            errors["locale"] = [$"'{locale}' is not a known data standard (a culture name such as en-US or de-DE)."];
        }

        if (errors.Count > 0)
        {
            await db.DeleteUnreferencedBlobsAsync(blobs, [stored.Hash], CancellationToken.None);
            return Problems.Invalid(errors);
        }

        var now = db.Now;
        var source = new DataSource
        {
            Name = name!,
            Format = format!.Value,
            Locale = locale,
            UniqueField = fields.GetValueOrDefault("uniqueField") is { Length: > 0 } unique ? unique : null,
            Status = DataSourceStatus.Importing,
            Schema = "[]",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.DataSources.Add(source);
        var importRequest = new ImportRequest(source.Id, stored.Hash, ImportMode.Create);
        var inline = stored.Length <= options.Value.InlineImportBytes && fields.GetValueOrDefault("async") != "true";
        var holder = Hold(db, importRequest, inline);
        if (!inline)
        {
            source.ImportJobId = holder;
        }

        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            db.ChangeTracker.Clear();
            await db.DeleteUnreferencedBlobsAsync(blobs, [stored.Hash], CancellationToken.None);
            return Problems.Conflict($"The team already has a data source named '{name}'.");
        }

        if (!inline)
        {
            return TypedResults.Accepted($"/jobs/{source.ImportJobId}", DataSourceResponse.From(source));
        }

        try
        {
            await importer.RunAsync(importRequest, null, cancellationToken);
        }
        catch (SourceDataException e)
        {
            // Nothing of a refused file stays: not its records, not the source, not the bytes.
            await db.DataSources.Where(d => d.Id == source.Id).ExecuteDeleteAsync(CancellationToken.None);
            return Refused(e);
        }
        finally
        {
            await db.ReleaseBlobsAsync(blobs, [holder], CancellationToken.None);
        }

        var imported = await db.DataSources.AsNoTracking().FirstAsync(d => d.Id == source.Id, cancellationToken);
        return TypedResults.Created($"/data/{source.Id}/schema", DataSourceResponse.From(imported));
    }

    private static async Task<Results<Ok<DataSourceResponse>, Accepted<DataSourceResponse>, ValidationProblem,
        ProblemHttpResult>> Reimport(
        Guid id, string? mode, HttpRequest request, AppDb db, IBlobStore blobs, DataImporter importer,
        IOptions<DataSourceOptions> options, CancellationToken cancellationToken)
    {
        var importMode = mode switch
        {
            "replace" => ImportMode.Replace,
            "append" => ImportMode.Append,
            _ => (ImportMode?)null,
        };
        if (importMode is null)
        {
            return Problems.Invalid("mode", "Must be replace or append.");
        }

        var source = await db.DataSources.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        await SeeImportAsync(db, source, cancellationToken);
        if (source.ImportAlive)
        {
            return Problems.Conflict("An import of this data source is still running.");
        }

        var (upload, failure) = await ReadUploadAsync(request, blobs, options.Value.MaxBytes, cancellationToken);
        if (failure != UploadFailure.None)
        {
            return failure == UploadFailure.TooLarge ? Problems.TooLarge(options.Value.MaxBytes) : Refused(failure);
        }

        var (fields, fileName, stored) = upload!;
        if (FormatOf(fields.GetValueOrDefault("format"), fileName) != source.Format)
        {
            await db.DeleteUnreferencedBlobsAsync(blobs, [stored.Hash], CancellationToken.None);
            return Problems.Invalid("format",
                $"This data source is {source.Format.ToString().ToLowerInvariant()}; send a file of that format.");
        }

        var importRequest = new ImportRequest(source.Id, stored.Hash, importMode.Value);
        var inline = stored.Length <= options.Value.InlineImportBytes && fields.GetValueOrDefault("async") != "true";
        var holder = Hold(db, importRequest, inline);
        if (!inline)
        {
            source.Status = DataSourceStatus.Importing;
            source.ImportJobId = holder;
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Accepted($"/jobs/{source.ImportJobId}", DataSourceResponse.From(source));
        }

        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await importer.RunAsync(importRequest, null, cancellationToken);
        }
        catch (SourceDataException e)
        {
            return Refused(e);
        }
        finally
        {
            await db.ReleaseBlobsAsync(blobs, [holder], CancellationToken.None);
        }

        db.ChangeTracker.Clear();
        return TypedResults.Ok(DataSourceResponse.From(await db.DataSources.AsNoTracking()
            .FirstAsync(d => d.Id == id, cancellationToken)));
    }

    private static async Task<Results<Ok<DataSourceResponse>, ProblemHttpResult>> CancelImport(
        Guid id, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        await SeeImportAsync(db, source, cancellationToken);
        if (!source.ImportAlive)
        {
            return Problems.Conflict("No import of this data source is queued or running.");
        }

        // A queued import never runs, so it ends here; a running one stops at its worker's next heartbeat and ends
        // there.
        var job = source.ImportJobId!.Value;
        await db.CancelJobsAsync(db.Jobs.Where(j => j.Id == job), cancellationToken);
        if (await db.Jobs.AnyAsync(j => j.Id == job && j.State == JobState.Cancelled, cancellationToken))
        {
            await DataImportJob.EndAsync(db, blobs, job, cancellationToken);
        }

        source = await db.DataSources.AsNoTracking().FirstAsync(d => d.Id == id, cancellationToken);
        await SeeImportAsync(db, source, cancellationToken);
        return TypedResults.Ok(DataSourceResponse.From(source));
    }

    // The upload's file, stored in the blob store as it streams in; TooLarge when it went past the limit.
    private static async Task<(Upload<BlobPutResult.Stored>? Upload, UploadFailure Failure)> ReadUploadAsync(
        HttpRequest request, IBlobStore blobs, long maxBytes, CancellationToken cancellationToken)
    {
        var (upload, failure) = await MultipartUpload.WholeFormAsync(
            request, maxBytes, (file, cancel) => blobs.PutAsync(file, maxBytes, cancel), cancellationToken);
        return upload?.File is BlobPutResult.Stored stored
            ? (new Upload<BlobPutResult.Stored>(upload.Fields, upload.FileName, stored), UploadFailure.None)
            : (null, upload is null ? failure : UploadFailure.TooLarge);
    }

    // The uploaded file is held until its import ends: by the import's job (which releases it), or by the request that
    // imports it at once. Returns the holder's id.
    private static Guid Hold(AppDb db, ImportRequest request, bool inline)
    {
        var holder = inline ? Guid.CreateVersion7() : db.EnqueueJob(DataImportJob.Kind, request, maxAttempts: 3).Id;
        db.AttachBlob(request.BlobHash, BlobHolder.DataUpload, holder);
        return holder;
    }

    // EngageOne's shape: { "data": [ { "uuid": ..., FIELD: value } ], "next": ... }, written as it is read.
    private static async Task<IResult> Records(
        Guid id, int? limit, string? cursor, AppDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        if (limit is < 1 or > 10_000 || !TryPosition(cursor, out var from))
        {
            return Problems.Invalid(limit is < 1 or > 10_000 ? "limit" : "cursor",
                limit is < 1 or > 10_000 ? "limit must be between 1 and 10000."
                    : "cursor is not one this server issued.");
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        var end = limit is { } take ? Math.Min(source.RecordCount, from + take) : source.RecordCount;
        var rows = db.DataRecords.AsNoTracking()
            .Where(r => r.DataSourceId == id && r.Generation == source.Generation && r.Position >= from
                && r.Position < end)
            .OrderBy(r => r.Position)
            .Select(r => new { r.Uuid, r.Values })
            .AsAsyncEnumerable();

        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("data");
        var written = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            writer.WriteStartObject();
            writer.WriteString("uuid", row.Uuid);
            using (var values = JsonDocument.Parse(row.Values))
            {
                RecordValues.WriteNamed(writer, schema, values.RootElement);
            }

            writer.WriteEndObject();
            if (++written % 500 == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        if (limit is not null && end < source.RecordCount)
        {
            writer.WriteString("next", Cursor(end));
        }

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<Page<RecordResponse>>, ValidationProblem, ProblemHttpResult>> RecordPage(
        Guid id, int? limit, string? cursor, AppDb db, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        var take = limit ?? Paging.DefaultLimit;
        if (take is < 1 or > Paging.MaxLimit || !TryPosition(cursor, out var from))
        {
            return Problems.Invalid(take is < 1 or > Paging.MaxLimit ? "limit" : "cursor",
                "limit must be 1 to 200, and cursor one this server issued.");
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        var end = Math.Min(source.RecordCount, from + take);
        var rows = await db.DataRecords.AsNoTracking()
            .Where(r => r.DataSourceId == id && r.Generation == source.Generation && r.Position >= from
                && r.Position < end)
            .OrderBy(r => r.Position).ToListAsync(cancellationToken);
        var items = rows.Select(r => new RecordResponse(r.Uuid, r.Position, Named(schema, r.Values))).ToList();
        return TypedResults.Ok(new Page<RecordResponse>(items, end < source.RecordCount ? Cursor(end) : null));
    }

    private static async Task<Results<Ok<RecordResponse>, ProblemHttpResult>> Record(
        Guid id, Guid uuid, AppDb db, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        var row = source is null ? null : await db.DataRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.DataSourceId == id && r.Uuid == uuid && r.Generation == source.Generation
                && r.Position < source.RecordCount, cancellationToken);
        return row is null
            ? Problems.NotFound("record")
            : TypedResults.Ok(new RecordResponse(row.Uuid, row.Position,
                Named(JsonSerializer.Deserialize<List<FieldSchema>>(source!.Schema, DataImporter.Json)!, row.Values)));
    }

    private static async Task<Results<Ok<DataSourceResponse>, ValidationProblem, ProblemHttpResult>> ChangeSchema(
        Guid id, SchemaChange request, AppDb db, CancellationToken cancellationToken)
    {
        var source = await db.DataSources.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        await SeeImportAsync(db, source, cancellationToken);
        if (source.ImportAlive)
        {
            return Problems.Conflict("An import of this data source is still running.");
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        var locale = request.Locale ?? source.Locale;
        if (!IsLocale(locale))
        {
            return Problems.Invalid("locale", $"'{locale}' is not a known data standard.");
        }

        var retyped = new List<(int Index, FieldType Type)>();
        foreach (var change in request.Fields ?? [])
        {
            var index = schema.FindIndex(f => string.Equals(f.Name, change.Name, StringComparison.Ordinal));
            if (index < 0)
            {
                return Problems.Invalid("fields", $"The data source has no field named '{change.Name}'.");
            }

            var field = schema[index];
            if (change.NewName is { } newName)
            {
                newName = newName.Trim().Replace(' ', '_');
                if (newName.Length == 0 || schema.Any(f => f != field
                    && string.Equals(f.Name, newName, StringComparison.OrdinalIgnoreCase)))
                {
                    return Problems.Invalid("fields",
                        $"'{change.NewName}' is empty or already the name of another field.");
                }

                field = field with { Name = newName, Source = field.SourceName };
            }

            if (change.Type is { } typeName)
            {
                if (!Schemas.TryType(typeName, out var type) || type == FieldType.Array || field.Items is not null)
                {
                    return Problems.Invalid("fields",
                        $"'{typeName}' is not a type field '{change.Name}' can take (string, number, date, time, "
                        + "datetime, boolean).");
                }

                if (type != FieldType.String)
                {
                    retyped.Add((index, type));
                }

                field = field with { Type = typeName };
            }

            schema[index] = field with
            {
                Hidden = change.Hidden ?? field.Hidden,
                DecimalPlaces = change.DecimalPlaces ?? field.DecimalPlaces,
                DecimalSeparator = change.DecimalSeparator ?? field.DecimalSeparator,
                ThousandsSeparator = change.ThousandsSeparator ?? field.ThousandsSeparator,
                DateFormat = change.DateFormat ?? field.DateFormat,
            };
        }

        if (request.UniqueField is { } unique && !schema.Any(f => f.Name == unique))
        {
            return Problems.Invalid("uniqueField", $"The data source has no field named '{unique}'.");
        }

        // A new type must fit every stored value; otherwise say which values do not.
        if (retyped.Count > 0 && await MisfitsAsync(db, source, retyped, DataStandard.For(locale),
            cancellationToken) is { Count: > 0 } misfits)
        {
            return Problems.Invalid(misfits);
        }

        source.Schema = JsonSerializer.Serialize(schema, DataImporter.Json);
        source.Locale = locale;
        if (request.UniqueField is { } uniqueField)
        {
            source.UniqueField = uniqueField;
        }

        source.UpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(DataSourceResponse.From(source));
    }

    private static async Task<Dictionary<string, string[]>> MisfitsAsync(
        AppDb db, DataSource source, List<(int Index, FieldType Type)> retyped, DataStandard standard,
        CancellationToken cancellationToken)
    {
        var checks = retyped.Select(r => (r.Index, Check: new TypeCheck(r.Type, standard, maxReported: 5))).ToList();
        await foreach (var row in db.DataRecords.AsNoTracking()
                           .Where(r => r.DataSourceId == source.Id && r.Generation == source.Generation
                               && r.Position < source.RecordCount)
                           .OrderBy(r => r.Position).Select(r => new { r.Position, r.Values }).AsAsyncEnumerable()
                               .WithCancellation(cancellationToken))
        {
            using var values = JsonDocument.Parse(row.Values);
            foreach (var (index, check) in checks)
            {
                var value = values.RootElement.GetArrayLength() > index ? values.RootElement[index] : default;
                check.Observe(value.ValueKind == JsonValueKind.String ? value.GetString() : null, row.Position + 1);
            }
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        return checks.Where(c => !c.Check.AllFit).ToDictionary(
            c => $"fields.{schema[c.Index].Name}",
            c => new[] { $"{c.Check.MisfitCount} value(s) do not fit, e.g. "
                + string.Join(", ", c.Check.Misfits.Select(m => $"record {m.Line}: '{m.Value}'")) });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, IEnumerable<IDataSourceUsage> usages, CancellationToken cancellationToken)
    {
        if (!await db.DataSources.AnyAsync(d => d.Id == id, cancellationToken))
        {
            return Problems.NotFound("data source");
        }

        foreach (var usage in usages)
        {
            if (await usage.BlockingUseAsync(db, id, cancellationToken) is { } reason)
            {
                return Problems.Conflict(reason);
            }
        }

        await db.DataRecords.Where(r => r.DataSourceId == id).ExecuteDeleteAsync(cancellationToken);
        await db.DataSources.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static JsonElement Named(List<FieldSchema> schema, string values)
    {
        using var document = JsonDocument.Parse(values);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            RecordValues.WriteNamed(writer, schema, document.RootElement);
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    private static ValidationProblem Refused(UploadFailure failure) => failure switch
    {
        UploadFailure.NotMultipart => Problems.Invalid("file", "Send multipart/form-data: fields and one file part."),
        UploadFailure.FileName => Problems.Invalid("file", SingleLine.Refusal("file name")),
        _ => Problems.Invalid("file", "The upload has no file part."),
    };

    private static ProblemHttpResult Refused(SourceDataException e) => TypedResults.Problem(
        e.Message, statusCode: 400, title: "The file cannot be imported", type: ProblemTypes.UnreadableData,
        extensions: new Dictionary<string, object?>
        {
            ["line"] = e.Line, ["byteOffset"] = e.ByteOffset, ["problem"] = e.Problem.ToString(),
        });

    private static SourceFormat? FormatOf(string? declared, string fileName)
    {
        var name = declared ?? Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return name switch
        {
            "csv" => SourceFormat.Csv,
            "json" => SourceFormat.Json,
            "xlsx" => SourceFormat.Xlsx,
            "xml" => SourceFormat.Xml,
            _ => null,
        };
    }

    private static bool IsLocale(string name)
    {
        try
        {
            DataStandard.For(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Cursor(long position)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, position);
        return Base64Url.EncodeToString(bytes);
    }

    private static bool TryPosition(string? cursor, out long position)
    {
        position = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[8];
        if (cursor.Length == 11 && Base64Url.IsValid(cursor)
            && Base64Url.TryDecodeFromChars(cursor, bytes, out var written) && written == 8)
        {
            position = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes);
            return position >= 0;
        }

        return false;
    }
}
