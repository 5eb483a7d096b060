using Communique.Data;
using Communique.Nlu;
using Communique.Nlu.Engine;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat;

// What the team's NLU model makes of a user's words: the intent when it is confident enough, and the entities.
public sealed record NluReading(string? Intent, IReadOnlyList<(string Entity, string Value)> Entities);

// Reads users' words with the flow's NLU model (or, when the flow names none, the team's most recently trained
// model that has an active version); loaded versions are shared with the NLU API's cache.
public sealed class ChatNlu(NluModelCache cache, NluEngine engine, TimeProvider clock)
{
    // Null when the team has no model ready to parse with.
    public async Task<NluReading?> ReadAsync(AppDb db, Guid? modelId, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var models = db.NluModels.AsNoTracking().Where(m => m.ActiveVersionId != null);
        models = modelId is { } id ? models.Where(m => m.Id == id) : models.OrderByDescending(m => m.Id);
        var model = await models.Select(m => new { m.ActiveVersionId, m.Threshold })
            .FirstOrDefaultAsync(cancellationToken);
        if (model?.ActiveVersionId is not { } active)
        {
            return null;
        }

        var version = await cache.GetAsync(active, cancellationToken);
        var prediction = version.Classifier.Parse(text, engine.Encoder.Encode(text), 1);
        var confident = IntentClassifier.Confidence(prediction.InScopeScore) >= (model.Threshold ?? version.Threshold);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var entities = version.Entities.Extract(text, today).Select(e => (e.Entity, e.Value)).ToList();
        return new NluReading(confident ? prediction.BestIntent : null, entities);
    }
}
