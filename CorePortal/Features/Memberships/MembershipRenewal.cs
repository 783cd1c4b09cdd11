using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>
/// The one period boundary of an open-ended membership: period n+1 is made here and nowhere else (the job, the sale and the
/// booking path all call <see cref="EnsurePeriodsAsync(CoreDbContext, Purchase, DateOnly, DateTime, CancellationToken)"/>).
/// </summary>
public sealed class MembershipRenewal(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, TimeProvider clock)
{
    /// <summary>The actor of the rows the lifecycle writes on its own (no person asked for them).</summary>
    public const string Actor = "Membership renewal";

    /// <summary>
    /// Makes the periods an open-ended membership is missing so that one covers <paramref name="day"/> (a booking far ahead),
    /// in its own write transaction, then publishes them. Days past the studio's date window are left alone.
    /// </summary>
    public async Task EnsurePeriodsThroughAsync(int purchaseId, DateOnly day, CancellationToken ct = default)
    {
        if (day > DateWindow.For(clock).Last) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        List<CreditPeriod> made;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
            var purchase = await db.Purchases.SingleOrDefaultAsync(p => p.Id == purchaseId, ct);
            if (purchase is null) return;
            try
            {
                made = await EnsurePeriodsAsync(db, purchase, day, clock.GetUtcNow().UtcDateTime, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException ex) when (IsDoneAlready(ex))
            {
                return; // another writer made them first: the booking reads them as it stands
            }
        }
        await feed.PublishPeriodsAsync(db, made.Select(p => p.Id), CancellationToken.None);
    }

    /// <summary>
    /// Inside the caller's write transaction (with <see cref="LockNames.Purchase"/> held on PostgreSQL): renews the purchase
    /// until it has the period covering <paramref name="day"/> and the one after it ("always the current period and the next
    /// one"). Returns the periods made (saved, so their ids are set). Does nothing for a purchase that does not renew.
    /// </summary>
    public static async Task<List<CreditPeriod>> EnsurePeriodsAsync(CoreDbContext db, Purchase purchase, DateOnly day, DateTime now, CancellationToken ct)
    {
        List<CreditPeriod> made = [];
        if (!Renews(purchase)) return made;
        if (await FrozenUntilUnfrozenAsync(db, purchase.Id, day, ct)) return made; // its dates move when the freeze ends
        var last = await db.CreditPeriods.Where(p => p.PurchaseId == purchase.Id && p.RolledFromPeriodId == null)
            .OrderByDescending(p => p.Sequence).FirstAsync(ct);
        // The last period starting on or before the day is the current one (or a past one): one more is due.
        while (last.StartsOn <= day && RenewAsync(db, purchase, last, now) is { } next)
        {
            made.Add(next);
            last = next;
        }
        if (made.Count > 0) await db.SaveChangesAsync(ct); // ids for the Renewed rows
        foreach (var period in made) db.Ledger.Add(Renewed(period, now));
        return made;
    }

    /// <summary>
    /// THE PERIOD BOUNDARY: period n+1 after <paramref name="last"/>, with the purchase's snapshot credits, and the purchase's
    /// end moved to it. A payment step (charge the member for the new period) goes here, before the period is added; a
    /// refused payment would return null and the membership would stop renewing. Null when the purchase may not renew.
    /// </summary>
    private static CreditPeriod? RenewAsync(CoreDbContext db, Purchase purchase, CreditPeriod last, DateTime now)
    {
        _ = now; // the moment a payment would be dated by
        var startsOn = (last.EndsOn < last.StartsOn ? last.StartsOn : last.EndsOn).AddDays(1);
        var endsOn = PurchaseTerms.PeriodEnd(purchase.PeriodUnit, startsOn);
        if (purchase.CancelsOn is { } cancelsOn && endsOn > cancelsOn) return null; // never past the last usable day
        var next = new CreditPeriod
        {
            PurchaseId = purchase.Id, Sequence = last.Sequence + 1, StartsOn = startsOn, EndsOn = endsOn, MaxCredits = purchase.CreditsPerPeriod,
        };
        db.CreditPeriods.Add(next);
        purchase.EndsOn = endsOn;
        return next;
    }

    /// <summary>An open-ended membership, active and not cancelled, renews; fixed-term ones and packages never do.</summary>
    public static bool Renews(Purchase purchase) =>
        purchase is { Kind: CatalogKind.Membership, Renewal: RenewalKind.OpenEnded, Status: PurchaseStatus.Active, CancelledAtUtc: null };

    /// <summary>An Active freeze without an end that has started by the day: the purchase stands still until it is unfrozen.</summary>
    public static Task<bool> FrozenUntilUnfrozenAsync(CoreDbContext db, int purchaseId, DateOnly day, CancellationToken ct) =>
        db.Freezes.AnyAsync(f => f.PurchaseId == purchaseId && f.Status == FreezeStatus.Active && f.EndsOn == null && f.StartsOn <= day, ct);

    /// <summary>
    /// A unique index refused a row another writer made first: a period number (IX_CreditPeriods_Sequence), a bucket of rolled
    /// credits (IX_CreditPeriods_RolledFrom) or an Expired row (IX_Ledger_ExpiredOnce). The step is done; nothing to add.
    /// </summary>
    public static bool IsDoneAlready(Exception ex) =>
        DbErrors.IsUnique(ex, "Sequence") || DbErrors.IsUnique(ex, "RolledFrom") || DbErrors.IsUnique(ex, "ExpiredOnce") || DbErrors.IsUnique(ex, "Ledger.PeriodId");

    private static CreditLedgerEntry Renewed(CreditPeriod p, DateTime now) => new()
    {
        PurchaseId = p.PurchaseId, PeriodId = p.Id, Kind = LedgerKind.Renewed, Amount = p.MaxCredits ?? 0, MaxAfter = p.MaxCredits, UsedAfter = 0,
        StartsOnAfter = p.StartsOn, EndsOnAfter = p.EndsOn, Actor = Actor, AtUtc = now, Note = $"Period {p.Sequence} renewed",
    };
}
