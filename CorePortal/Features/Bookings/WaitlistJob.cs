using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>
/// Heals what a crash between a freed place's commit and its promotion left undone, and closes lists at their cutoff: at
/// start-up and then every <c>Waitlist:SweepInterval</c> (5 minutes unless told), fills every session that has someone waiting.
/// <c>Waitlist:RunJob</c> false turns it off (the test app does, and runs passes itself).
/// </summary>
public sealed class WaitlistJob(IServiceScopeFactory scopes, IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock,
    ILogger<WaitlistJob> log, IConfiguration? config = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config?.GetValue("Waitlist:RunJob", true) == false) return;
        using var timer = new PeriodicTimer(config?.GetValue<TimeSpan?>("Waitlist:SweepInterval") ?? TimeSpan.FromMinutes(5), clock);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogError(ex, "The waitlist sweep failed; it runs again at the next interval");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { } // shutting down
    }

    /// <summary>One sweep: each session with a waiting client is filled (or closed) through the promoter. Returns how many were promoted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        List<int> sessionIds;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            sessionIds = await db.WaitlistEntries.AsNoTracking().Where(w => w.Status == WaitlistStatus.Waiting)
                .Select(w => w.SessionId).Distinct().OrderBy(id => id).ToListAsync(ct);
        var promoted = 0;
        await using var scope = scopes.CreateAsyncScope();
        var promoter = scope.ServiceProvider.GetRequiredService<WaitlistPromoter>();
        foreach (var id in sessionIds) promoted += await promoter.FillAsync(id, ct);
        return promoted;
    }
}
