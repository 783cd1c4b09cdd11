namespace CorePortal.Features.Reports;

/// <summary>
/// Keeps yesterday's remaining-credit figures (at start-up, then every hour: within an hour after midnight), so the first
/// report of the day adds today's changes to them instead of working a whole day out from the ledger.
/// </summary>
public sealed class LiabilitySnapshotJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LiabilitySnapshotJob> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var yesterday = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
                    await scope.ServiceProvider.GetRequiredService<ReportsService>().EnsureSnapshotAsync(yesterday, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogError(ex, "Keeping yesterday's remaining-credit figures failed; the report works them out when asked, and this job tries again in an hour");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { } // shutting down
    }
}
