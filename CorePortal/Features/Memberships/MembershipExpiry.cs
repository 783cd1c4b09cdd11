using System.Globalization;
using CorePortal.Data;
using CorePortal.Features.Credits;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>
/// What happens at a period's end, after the renewal made the next period: the rolled credits leave it (RolledOver) for a
/// bucket of their own (RolledIn), and what is left expires (one Expired row that brings Max down to Used). Rolled buckets
/// never roll again; they expire at their end like any period.
/// </summary>
public static class MembershipExpiry
{
    /// <summary>
    /// Rolls over and expires every period of the purchase that ended before <paramref name="today"/>, inside the caller's
    /// write transaction (purchase lock held); returns the periods changed or made. Call after the renewal.
    /// </summary>
    public static async Task<List<CreditPeriod>> SettleAsync(CoreDbContext db, Purchase purchase, DateOnly today, DateTime now, CancellationToken ct)
    {
        var periods = await db.CreditPeriods.Where(p => p.PurchaseId == purchase.Id).OrderBy(p => p.Sequence).ThenBy(p => p.RolledFromPeriodId).ToListAsync(ct);
        var expired = await db.Ledger.Where(l => l.PurchaseId == purchase.Id && l.Kind == LedgerKind.Expired).Select(l => l.PeriodId).ToListAsync(ct);
        var regular = periods.Where(p => p.RolledFromPeriodId is null).ToList();
        List<CreditPeriod> changed = [];
        List<Func<CreditLedgerEntry>> rows = []; // a bucket's row is made once the bucket has its id

        foreach (var source in regular.Where(p => p.EndsOn < today && p.Remaining > 0 && !expired.Contains(p.Id)).ToList())
        {
            if (purchase.Rollover == RolloverRule.None || periods.Any(b => b.RolledFromPeriodId == source.Id)) continue;
            var next = regular.Find(p => p.Sequence == source.Sequence + 1 && p.StartsOn <= p.EndsOn);
            if (next is null) continue; // the membership did not renew: nothing rolls, all expires below
            var rolled = purchase.Rollover == RolloverRule.UpTo ? Math.Min(source.Remaining!.Value, purchase.RolloverCap ?? 0) : source.Remaining!.Value;
            if (rolled <= 0) continue;
            source.MaxCredits -= rolled;
            source.Version = Guid.NewGuid();
            var bucket = new CreditPeriod
            {
                PurchaseId = purchase.Id, Sequence = source.Sequence, RolledFromPeriodId = source.Id, StartsOn = next.StartsOn,
                EndsOn = BucketEnd(purchase, regular, next, Math.Max(1, purchase.RolloverExpiresAfterPeriods)), MaxCredits = rolled,
            };
            db.CreditPeriods.Add(bucket);
            periods.Add(bucket);
            var note = $"{rolled} rolled from {source.StartsOn.ToString("MMM", CultureInfo.InvariantCulture)}";
            var sourceMax = source.MaxCredits;
            rows.Add(() => Row(source, LedgerKind.RolledOver, -rolled, sourceMax, now, $"{note}, into {next.StartsOn:d MMM yyyy}"));
            rows.Add(() => Row(bucket, LedgerKind.RolledIn, rolled, rolled, now, note));
            changed.Add(source);
            changed.Add(bucket);
        }
        if (changed.Count > 0)
        {
            await db.SaveChangesAsync(ct); // the buckets' ids for their rows
            db.Ledger.AddRange(rows.Select(row => row()));
            await db.SaveChangesAsync(ct); // before the Expired rows: a period's rows are read in the order of their ids
        }

        foreach (var period in periods.Where(p => p.EndsOn < today && p.Remaining > 0 && !expired.Contains(p.Id)))
        {
            var amount = -period.Remaining!.Value;
            period.MaxCredits = period.UsedCredits;
            period.Version = Guid.NewGuid();
            db.Ledger.Add(Row(period, LedgerKind.Expired, amount, period.MaxCredits, now,
                $"{-amount} unused at the end of {period.StartsOn:d MMM} – {period.EndsOn:d MMM yyyy}"));
            if (!changed.Contains(period)) changed.Add(period);
        }
        return changed;
    }

    /// <summary>The end of the period <paramref name="periods"/> after the source's next one began: an existing period's, or worked out ahead.</summary>
    private static DateOnly BucketEnd(Purchase purchase, List<CreditPeriod> regular, CreditPeriod next, int periods)
    {
        var end = next.EndsOn;
        for (var sequence = next.Sequence + 1; sequence < next.Sequence + periods; sequence++)
            end = regular.Find(p => p.Sequence == sequence) is { } existing ? existing.EndsOn : PurchaseTerms.PeriodEnd(purchase.PeriodUnit, end.AddDays(1));
        // Rolled credits never outlive the membership: a fixed term's last period, or the last day of a cancelled one.
        if (!MembershipRenewal.Renews(purchase)) end = Min(end, regular.Max(p => p.EndsOn));
        return purchase.CancelsOn is { } cancelsOn ? Min(end, cancelsOn) : end;
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static CreditLedgerEntry Row(CreditPeriod p, LedgerKind kind, int amount, int? maxAfter, DateTime now, string note) => new()
    {
        PurchaseId = p.PurchaseId, PeriodId = p.Id, Kind = kind, Amount = amount, MaxAfter = maxAfter, UsedAfter = p.UsedCredits,
        StartsOnAfter = p.StartsOn, EndsOnAfter = p.EndsOn, Actor = MembershipRenewal.Actor, AtUtc = now, Note = note,
    };
}
