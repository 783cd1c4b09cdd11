using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// Ledger rows of the lifecycle kinds (forfeited, expired, frozen, rolled over and in) for report tests, written as the step
/// rules say (LedgerKinds, LedgerAudit): a Max-moving row moves its period's cached MaxCredits by its amount (and the dates,
/// when told), a rolled bucket opens with a RolledIn row, each in one write transaction under the purchase's lock, dated by
/// the studio's clock. The lifecycle's own writers (freeze, renewal, rollover jobs) are built on other branches.
/// </summary>
public static class LifecycleLedger
{
    /// <summary>Moves the period's Max by <paramref name="amount"/> with a row of <paramref name="kind"/> (a LedgerKinds.MoveMax kind).</summary>
    public static Task MoveMaxAsync(this StudioBuilder studio, int periodId, LedgerKind kind, int amount, DateOnly? endsOn = null)
    {
        if (!LedgerKinds.MoveMax.Contains(kind)) throw new ArgumentException($"{kind} does not move Max.", nameof(kind));
        return InTransactionAsync(studio, periodId, async db =>
        {
            var period = await db.CreditPeriods.SingleAsync(p => p.Id == periodId);
            period.MaxCredits += amount;
            if (endsOn is { } end) period.EndsOn = end;
            period.Version = Guid.NewGuid();
            db.Ledger.Add(Row(studio, period, kind, amount));
            await KeepPurchaseEndAsync(db, period.PurchaseId);
            await db.SaveChangesAsync();
        });
    }

    /// <summary>
    /// Rolls <paramref name="amount"/> credits out of a period (RolledOver) into a new bucket beside it (RolledIn), which runs
    /// over the given days; returns the bucket's id.
    /// </summary>
    public static async Task<int> RollOverAsync(this StudioBuilder studio, int fromPeriodId, int amount, DateOnly startsOn, DateOnly endsOn)
    {
        var bucketId = 0;
        await InTransactionAsync(studio, fromPeriodId, async db =>
        {
            var source = await db.CreditPeriods.SingleAsync(p => p.Id == fromPeriodId);
            source.MaxCredits -= amount;
            source.Version = Guid.NewGuid();
            db.Ledger.Add(Row(studio, source, LedgerKind.RolledOver, -amount));
            var bucket = new CreditPeriod
            {
                PurchaseId = source.PurchaseId, Sequence = source.Sequence, RolledFromPeriodId = source.Id, StartsOn = startsOn, EndsOn = endsOn,
                MaxCredits = amount, UsedCredits = 0,
            };
            db.CreditPeriods.Add(bucket);
            await db.SaveChangesAsync();
            db.Ledger.Add(Row(studio, bucket, LedgerKind.RolledIn, amount));
            await KeepPurchaseEndAsync(db, source.PurchaseId);
            await db.SaveChangesAsync();
            bucketId = bucket.Id;
        });
        return bucketId;
    }

    // One write transaction through the door, holding the purchase's lock as the lifecycle writers do.
    private static async Task InTransactionAsync(StudioBuilder studio, int periodId, Func<CoreDbContext, Task> write)
    {
        await using var db = await studio.Db.CreateDbContextAsync();
        await using var tx = await db.BeginWriteAsync();
        var purchaseId = await db.CreditPeriods.Where(p => p.Id == periodId).Select(p => p.PurchaseId).SingleAsync();
        await tx.LockAsync(LockNames.Purchase(purchaseId));
        await write(db);
        await tx.CommitAsync();
    }

    // Purchases.EndsOn is the latest end of its periods, as every change of dates keeps it.
    private static async Task KeepPurchaseEndAsync(CoreDbContext db, int purchaseId)
    {
        var purchase = await db.Purchases.Include(p => p.Periods).SingleAsync(p => p.Id == purchaseId);
        purchase.EndsOn = purchase.Periods.Max(p => p.EndsOn);
    }

    private static CreditLedgerEntry Row(StudioBuilder studio, CreditPeriod p, LedgerKind kind, int amount) => new()
    {
        PurchaseId = p.PurchaseId, PeriodId = p.Id, Kind = kind, Amount = amount, MaxAfter = p.MaxCredits, UsedAfter = p.UsedCredits,
        StartsOnAfter = p.StartsOn, EndsOnAfter = p.EndsOn, Actor = "Membership job", AtUtc = studio.Clock.GetUtcNow().UtcDateTime,
    };
}
