using CorePortal.Data;
using CorePortal.Features.Live;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>
/// Keeps memberships moving with time: at start-up and then every <c>Memberships:JobInterval</c> (15 minutes unless told), one
/// pass renews, rolls over, expires and ends (a cancellation that has passed) every purchase that is due. Idempotent: two
/// passes at once, on one server or two, make each period and each Expired row once. Each pass ends by sending the freeze
/// start and end notices that are due (FreezeNotices).
/// </summary>
public sealed class MembershipJob(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, TimeProvider clock,
    Notifications.OutboxSignal outbox, ILogger<MembershipJob> log, IConfiguration? config = null) : BackgroundService
{
    private const int BatchSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config?.GetValue("Memberships:RunJob", true) == false) return;
        using var timer = new PeriodicTimer(config?.GetValue<TimeSpan?>("Memberships:JobInterval") ?? TimeSpan.FromMinutes(15), clock);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(DateOnly.FromDateTime(clock.GetLocalNow().DateTime), stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogError(ex, "The membership pass (renewal, rollover, expiry) failed; it runs again at the next interval");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { } // shutting down
    }

    /// <summary>
    /// One pass for the studio's <paramref name="today"/>: every due purchase in small batches, each in its own transaction, so
    /// one that fails (or waits for a booking's lock) holds up no other. Returns how many purchases changed.
    /// </summary>
    public async Task<int> RunOnceAsync(DateOnly today, CancellationToken ct = default)
    {
        var changed = 0;
        var after = 0;
        while (true)
        {
            List<int> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                due = await db.Purchases.AsNoTracking().Where(Due(db, today)).Where(p => p.Id > after).OrderBy(p => p.Id)
                    .Select(p => p.Id).Take(BatchSize).ToListAsync(ct);
            if (due.Count == 0)
            {
                // Members hear when a freeze starts and ends: once each, whichever pass or server sends it.
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                if (await FreezeNotices.SendDueAsync(db, today, clock.GetUtcNow().UtcDateTime, ct) > 0) outbox.Poke();
                return changed;
            }
            foreach (var purchaseId in due)
            {
                try
                {
                    if (await SettlePurchaseAsync(purchaseId, today, ct)) changed++;
                }
                catch (DbUpdateConcurrencyException)
                {
                    // A booking or an edit changed one of its periods meanwhile: the next pass sees it as it stands.
                    log.LogInformation("Purchase {PurchaseId} changed during the membership pass; it is settled on the next one", purchaseId);
                }
            }
            after = due[^1];
        }
    }

    /// <summary>Renews, rolls over, expires and ends one purchase in one write transaction; publishes what changed.</summary>
    private async Task<bool> SettlePurchaseAsync(int purchaseId, DateOnly today, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        List<int> periodIds;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            // PostgreSQL: a second pass (or a booking far ahead, or a cancellation) waits here, then reads what this one wrote.
            await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
            var purchase = await db.Purchases.SingleAsync(p => p.Id == purchaseId, ct);
            // An open-ended freeze holds the whole purchase still: its periods' dates move when it ends, so none "ends" before.
            if (await MembershipRenewal.FrozenUntilUnfrozenAsync(db, purchaseId, today, ct)) return false;
            var now = clock.GetUtcNow().UtcDateTime;
            try
            {
                var made = await MembershipRenewal.EnsurePeriodsAsync(db, purchase, today, now, ct);
                var settled = await MembershipExpiry.SettleAsync(db, purchase, today, now, ct);
                if (purchase.Status == PurchaseStatus.Active && purchase.CancelsOn < today) purchase.Status = PurchaseStatus.Cancelled;
                periodIds = [.. made.Concat(settled).Select(p => p.Id).Distinct()];
                if (periodIds.Count == 0 && !db.ChangeTracker.HasChanges()) return false;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException ex) when (MembershipRenewal.IsDoneAlready(ex))
            {
                return false; // another pass did it first (the index is the last word when no lock ordered us)
            }
        }
        await feed.PublishPeriodsAsync(db, periodIds, CancellationToken.None); // committed: tell open screens even if the pass is stopping
        return true;
    }

    /// <summary>
    /// A purchase with work to do today: an open-ended membership whose last period has begun (the next one is due), a period
    /// that ended with credits left and no Expired row yet, or a cancellation whose last day has passed.
    /// </summary>
    private static System.Linq.Expressions.Expression<Func<Purchase, bool>> Due(CoreDbContext db, DateOnly today) => p =>
        (p.Kind == CatalogKind.Membership && p.Renewal == RenewalKind.OpenEnded && p.Status == PurchaseStatus.Active && p.CancelledAtUtc == null
            && !db.CreditPeriods.Any(x => x.PurchaseId == p.Id && x.RolledFromPeriodId == null && x.StartsOn > today))
        || (p.Kind == CatalogKind.Membership && db.CreditPeriods.Any(x => x.PurchaseId == p.Id && x.EndsOn < today && x.MaxCredits > x.UsedCredits
            && !db.Ledger.Any(l => l.PeriodId == x.Id && l.Kind == LedgerKind.Expired)))
        || (p.Status == PurchaseStatus.Active && p.CancelsOn < today);
}
