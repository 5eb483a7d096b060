using Microsoft.Extensions.Options;

namespace Communique.Jobs;

// The worker role: a few concurrent claim loops over the durable jobs table.
public sealed class JobWorker(
    JobRunner runner, IOptions<JobOptions> options, IOptions<HostingOptions> hosting, ILogger<JobWorker> log)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => hosting.Value.Role == ProcessRole.Api
        ? Task.CompletedTask
        : Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => LoopAsync(stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await runner.RunOneAsync(stoppingToken))
                {
                    await Task.Delay(idle, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The job loop failed; retrying");
                await Task.Delay(idle, stoppingToken);
            }
        }
    }
}
