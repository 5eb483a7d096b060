using System.Collections.Concurrent;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Nlu.Engine;
using Communique.Nlu.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Nlu;

// Loaded versions by id, at most Nlu:CachedVersions of them, the least recently used dropped first. Versions never
// change, so any node loads the same version from the database and blob store and answers the same.
public sealed class NluModelCache(IServiceScopeFactory scopes, IOptions<NluOptions> options)
{
    private readonly ConcurrentDictionary<Guid, (Lazy<Task<LoadedVersion>> Load, long LastUsed)> _versions = new();
    private long _uses;

    public async Task<LoadedVersion> GetAsync(Guid versionId, CancellationToken cancellationToken)
    {
        var use = Interlocked.Increment(ref _uses);
        var entry = _versions.AddOrUpdate(
            versionId,
            id => (new Lazy<Task<LoadedVersion>>(() => LoadAsync(id)), use),
            (_, existing) => (existing.Load, use));
        if (_versions.Count > options.Value.CachedVersions)
        {
            var oldest = _versions.Where(v => v.Key != versionId)
                .OrderBy(v => v.Value.LastUsed)
                .Take(_versions.Count - options.Value.CachedVersions);
            foreach (var (id, _) in oldest)
            {
                _versions.TryRemove(id, out _);
            }
        }

        try
        {
            return await entry.Load.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Load.Value.IsFaulted)
        {
            _versions.TryRemove(versionId, out _);
            throw;
        }
    }

    public void Forget(Guid modelId)
    {
        foreach (var (id, entry) in _versions)
        {
            if (entry.Load.Value.IsCompletedSuccessfully && entry.Load.Value.Result.ModelId == modelId)
            {
                _versions.TryRemove(id, out _);
            }
        }
    }

    public int Count => _versions.Count;

    private async Task<LoadedVersion> LoadAsync(Guid versionId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var version = await db.NluModelVersions.IgnoreQueryFilters().AsNoTracking().FirstAsync(v => v.Id == versionId);
        IntentClassifier classifier;
        await using (var artifact = await blobs.OpenReadAsync(version.ArtifactHash!, CancellationToken.None)
                                    ?? throw Missing("trained model", version.Number))
        {
            classifier = IntentClassifier.Load(artifact);
        }

        TrainingData data;
        await using (var snapshot = await blobs.OpenReadAsync(version.DataHash, CancellationToken.None)
                                    ?? throw Missing("training data", version.Number))
        {
            data = (await JsonSerializer.DeserializeAsync<TrainingData>(snapshot, NluRules.Json))!;
        }

        var entities = EntityExtractor.Compile([.. data.Entities.Select(NluRules.Definition)], [.. data.BuiltIns]);
        return new LoadedVersion(version.ModelId, version.Number, classifier, entities, version.Threshold ?? 0);
    }

    private static InvalidDataException Missing(string what, int number) =>
        new($"The {what} of version {number} is missing from the blob store.");
}
