using CorePortal.Data;

namespace CorePortal.Features.Credits;

/// <summary>Turns a catalog item into a purchase: the snapshot of its terms and its credit time frames.</summary>
public static class PurchaseTerms
{
    public static Purchase Create(CatalogItem item, int ownerClientId, DateOnly startsOn, DateTime soldAtUtc)
    {
        var periods = BuildPeriods(item, startsOn);
        return new Purchase
        {
            OwnerClientId = ownerClientId,
            CatalogItemId = item.Id,
            LocationId = item.LocationId,
            Kind = item.Kind,
            Name = item.Name,
            PriceCents = item.PriceCents,
            CreditsPerPeriod = item.CreditsPerPeriod,
            PeriodUnit = item.PeriodUnit,
            Renewal = item.Kind == CatalogKind.Membership ? item.Renewal : RenewalKind.FixedTerm,
            PeriodCount = item.Kind == CatalogKind.Membership ? Math.Max(1, item.PeriodCount) : 1,
            Rollover = item.Kind == CatalogKind.Membership && item.CreditsPerPeriod is not null ? item.Rollover : RolloverRule.None,
            RolloverCap = item.Rollover == RolloverRule.UpTo ? item.RolloverCap : null,
            RolloverExpiresAfterPeriods = Math.Max(1, item.RolloverExpiresAfterPeriods),
            AllowSharing = item.AllowSharing,
            SharingLimit = item.AllowSharing ? item.SharingLimit : null,
            SharingTermsNote = item.AllowSharing
                ? $"Sharing with up to {item.SharingLimit} clients, as configured for {item.Name} when it was sold."
                : $"Sharing was off for {item.Name} when it was sold.",
            SoldAtUtc = soldAtUtc,
            StartsOn = startsOn,
            EndsOn = periods[^1].EndsOn,
            Status = PurchaseStatus.Active,
            Periods = periods,
        };
    }

    /// <summary>
    /// The periods a sale creates: a package's one; a fixed-term membership's all; an open-ended membership's first (the renewal
    /// creates the next ones, ahead of time, granted by Renewed rows).
    /// </summary>
    public static List<CreditPeriod> BuildPeriods(CatalogItem item, DateOnly startsOn)
    {
        if (item.Kind == CatalogKind.Package)
            return [new CreditPeriod { Sequence = 1, StartsOn = startsOn, EndsOn = startsOn.AddDays(Math.Max(1, item.ValidityDays) - 1), MaxCredits = item.CreditsPerPeriod }];

        var count = item.Renewal == RenewalKind.OpenEnded ? 1 : Math.Max(1, item.PeriodCount);
        var periods = new List<CreditPeriod>(count);
        var start = startsOn;
        for (var i = 1; i <= count; i++)
        {
            var end = PeriodEnd(item.PeriodUnit, start);
            periods.Add(new CreditPeriod { Sequence = i, StartsOn = start, EndsOn = end, MaxCredits = item.CreditsPerPeriod });
            start = end.AddDays(1);
        }
        return periods;
    }

    /// <summary>The last day of a membership period that starts on <paramref name="start"/>: a week, or a calendar month on.</summary>
    public static DateOnly PeriodEnd(PeriodUnit unit, DateOnly start) => (unit == PeriodUnit.Week ? start.AddDays(7) : start.AddMonths(1)).AddDays(-1);

    /// <summary>The grant rows that open each period's balance; written in the sale's transaction.</summary>
    public static IEnumerable<CreditLedgerEntry> Grants(Purchase purchase, string actor, DateTime atUtc) =>
        purchase.Periods.Select(p => new CreditLedgerEntry
        {
            PurchaseId = purchase.Id,
            PeriodId = p.Id,
            Kind = LedgerKind.Grant,
            Amount = p.MaxCredits ?? 0,
            MaxAfter = p.MaxCredits,
            UsedAfter = 0,
            StartsOnAfter = p.StartsOn,
            EndsOnAfter = p.EndsOn,
            Actor = actor,
            AtUtc = atUtc,
            Note = purchase.Kind == CatalogKind.Package ? "Package sold" : "Membership sold",
        });
}
