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

    public static List<CreditPeriod> BuildPeriods(CatalogItem item, DateOnly startsOn)
    {
        if (item.Kind == CatalogKind.Package)
            return [new CreditPeriod { StartsOn = startsOn, EndsOn = startsOn.AddDays(Math.Max(1, item.ValidityDays) - 1), MaxCredits = item.CreditsPerPeriod }];

        var periods = new List<CreditPeriod>(item.PeriodCount);
        var start = startsOn;
        for (var i = 0; i < Math.Max(1, item.PeriodCount); i++)
        {
            var next = item.PeriodUnit == PeriodUnit.Week ? start.AddDays(7) : start.AddMonths(1);
            periods.Add(new CreditPeriod { StartsOn = start, EndsOn = next.AddDays(-1), MaxCredits = item.CreditsPerPeriod });
            start = next;
        }
        return periods;
    }

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
