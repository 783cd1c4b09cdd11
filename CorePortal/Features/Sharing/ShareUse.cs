using CorePortal.Data;
using CorePortal.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sharing;

/// <summary>
/// What one authorized client has used from a shared purchase against the limits its owner set, counted as the pool rule
/// counts them (<see cref="PoolRule.CreditsInUse"/>, <see cref="PoolRule.CreditsInUseInPeriod"/>), and the words every
/// screen and refusal uses for it.
/// </summary>
public sealed record ShareUse(int ShareId, int PurchaseId, int ClientId, string FirstName, int? CapPerPeriod, int? CapTotal, bool Paused,
    bool NotifyOwner, int UsedInPeriod, int UsedTotal, string PeriodWord)
{
    public bool IsCapped => CapPerPeriod is not null || CapTotal is not null;

    /// <summary>Why the client may not book from the purchase now (the pool rule refused it); null when the limits allow it.</summary>
    public string? Refusal(string purchaseName) =>
        Paused ? $"{FirstName} is paused on {purchaseName}."
        : CapTotal is { } total && UsedTotal >= total ? $"{FirstName} has used {UsedTotal} of {total} credits allowed on {purchaseName}."
        : CapPerPeriod is { } cap && UsedInPeriod >= cap ? $"{FirstName} has used {UsedInPeriod} of {cap} credits allowed {PeriodWord} on {purchaseName}."
        : null;

    /// <summary>"2 of 4 left for Leo this month": the tighter of the caps; null when the client is not capped.</summary>
    public string? LeftText
    {
        get
        {
            string? text = null;
            var fewest = int.MaxValue;
            if (CapPerPeriod is { } cap)
            {
                fewest = Math.Max(0, cap - UsedInPeriod);
                text = $"{fewest} of {cap} left for {FirstName} {PeriodWord}";
            }
            if (CapTotal is { } total && Math.Max(0, total - UsedTotal) < fewest)
                text = $"{Math.Max(0, total - UsedTotal)} of {total} left for {FirstName} in all";
            return text;
        }
    }

    /// <summary>"3 of 4 this month · 7 in all": use against each cap, for the Authorized users panel and the members' API.</summary>
    public string UseText =>
        (CapPerPeriod is { } cap ? $"{UsedInPeriod} of {cap} {PeriodWord}" : $"{UsedInPeriod} {PeriodWord}")
        + " · " + (CapTotal is { } total ? $"{UsedTotal} of {total} in all" : $"{UsedTotal} in all");

    /// <summary>The uses of the given shares for a session (or today) on <paramref name="day"/>, by share id.</summary>
    public static async Task<Dictionary<int, ShareUse>> ReadAsync(CoreDbContext db, IQueryable<PurchaseShare> shares, DateOnly day, CancellationToken ct)
    {
        var inUse = PoolRule.CreditsInUse(db);
        var inPeriod = PoolRule.CreditsInUseInPeriod(db, day);
        var rows = await shares.AsNoTracking().Select(s => new
        {
            s.Id, s.PurchaseId, s.ClientId, s.Client!.FirstName, s.CapPerPeriod, s.CapTotal, s.Paused, s.NotifyOwnerOnBooking,
            InPeriod = inPeriod.Count(b => b.PurchaseId == s.PurchaseId && b.ClientId == s.ClientId),
            Total = inUse.Count(b => b.PurchaseId == s.PurchaseId && b.ClientId == s.ClientId),
            Period = db.CreditPeriods.Where(r => r.PurchaseId == s.PurchaseId && r.RolledFromPeriodId == null && r.StartsOn <= day && r.EndsOn >= day)
                .Select(r => new { r.StartsOn, r.EndsOn }).FirstOrDefault(),
        }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => new ShareUse(r.Id, r.PurchaseId, r.ClientId, r.FirstName, r.CapPerPeriod, r.CapTotal, r.Paused,
            r.NotifyOwnerOnBooking, r.InPeriod, r.Total, r.Period is null ? "this period" : PeriodWordOf(r.Period.StartsOn, r.Period.EndsOn)));
    }

    /// <summary>How a period is named in the caps' words: a week, a month, or (a package's single period, say) "this period".</summary>
    public static string PeriodWordOf(DateOnly startsOn, DateOnly endsOn) => (endsOn.DayNumber - startsOn.DayNumber + 1) switch
    {
        7 => "this week",
        >= 28 and <= 31 => "this month",
        _ => "this period",
    };
}
