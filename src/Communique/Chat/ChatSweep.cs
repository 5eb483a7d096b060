using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Chat;

// Ends the conversations left silent longer than Chat:Silence, as their next message would: agents' lists and the
// analytics see them ended, and their transcripts are archived. A bot's own shorter timeout is applied when the
// conversation's next message comes.
public sealed class ChatSweep(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ChatOptions> options)
{
    private const int Batch = 100;

    // The conversations ended. Expired attachments are released too.
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            int released;
            do
            {
                released = await ChatFiles.ReleaseExpiredAsync(db, clock.GetUtcNow().UtcDateTime, cancellationToken);
            }
            while (released > 0);
        }

        var ended = 0;
        while (true)
        {
            var before = clock.GetUtcNow().UtcDateTime - options.Value.Silence;
            List<(Guid Id, Guid TeamId)> silent;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDb>();
                silent = (await db.Conversations.IgnoreQueryFilters()
                    .Where(c => c.State != ConversationState.Ended && c.LastActivityAt < before)
                    .OrderBy(c => c.LastActivityAt).Take(Batch).Select(c => new { c.Id, c.TeamId })
                    .ToListAsync(cancellationToken)).Select(c => (c.Id, c.TeamId)).ToList();
            }

            foreach (var (id, teamId) in silent)
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(teamId);
                var db = scope.ServiceProvider.GetRequiredService<AppDb>();
                var runtime = scope.ServiceProvider.GetRequiredService<ChatRuntime>();
                var conversation = await db.Conversations.FirstAsync(c => c.Id == id, cancellationToken);
                var turn = await runtime.OpenAsync(db, conversation, cancellationToken);
                turn.End("silence");
                if (await runtime.SaveAsync(db, turn, cancellationToken))
                {
                    ended++;
                }
            }

            if (silent.Count < Batch)
            {
                return ended;
            }
        }
    }
}

// Sweeps every few minutes on the nodes that run workers.
public sealed class ChatSweeper(ChatSweep sweep, ILogger<ChatSweeper> log) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, stoppingToken);
                var ended = await sweep.SweepAsync(stoppingToken);
                if (ended > 0)
                {
                    log.LogInformation("Ended {Count} conversations left silent.", ended);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or IOException)
            {
                log.LogWarning(e, "The sweep of silent conversations failed; it runs again in {Minutes} minutes.",
                    Every.TotalMinutes);
            }
        }
    }
}
