using System.Globalization;
using CorePortal.Data;
using CorePortal.Features.Common;

namespace CorePortal.Features.Memberships;

/// <summary>The item's freeze rules as they stand when a freeze is asked for.</summary>
public sealed record FreezeTerms(string ItemName, bool AllowFreeze, int? MinDays, int? MaxDays, int? MaxDaysPerYear)
{
    public static FreezeTerms Of(CatalogItem item) => new(item.Name, item.AllowFreeze, item.FreezeMinDays, item.FreezeMaxDays, item.FreezeMaxDaysPerYear);
}

/// <summary>A freeze's dates against the purchase as it stands: what the rules read besides the item's terms.</summary>
public sealed record FreezeSituation(DateOnly Today, DateWindow Window, string? ClosedBecause, DateOnly FirstDay, DateOnly LastDay,
    IReadOnlyList<FrozenSpan> OtherFreezes);

/// <summary>What the rules say of a freeze: errors nobody may save, and the item's rules it breaks (a Manager may, with a note).</summary>
public sealed record FreezeVerdict(IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<KeyValuePair<string, string>> Breaches);

/// <summary>
/// The freeze rules, written once. Date sanity (a start today or later, an end on or after it, inside the studio's window, no
/// overlap with another Active freeze, an open purchase) binds everyone; the item's rules (freezes allowed, minimum and
/// maximum length, most days per rolling 12 months) bind staff, and a Manager may break them with an override note.
/// </summary>
public static class FreezeRules
{
    public const string OverrideNoteField = "overrideNote";

    public static FreezeVerdict Check(FreezeTerms terms, DateOnly? startsOn, DateOnly? endsOn, FreezeSituation at)
    {
        var errors = new Dictionary<string, string[]>();
        var breaches = new List<KeyValuePair<string, string>>();
        if (at.ClosedBecause is { } closed) errors["purchase"] = [closed];
        if (startsOn is not { } start) errors["startsOn"] = ["Choose the first frozen day."];
        else if (at.Window.Refusal(start, "The first frozen day") is { } outside) errors["startsOn"] = [outside];
        else if (start < at.Today) errors["startsOn"] = ["A freeze starts today or later."];
        else if (start < at.FirstDay || start > at.LastDay)
            errors["startsOn"] = [$"The first frozen day must be within the purchase's validity, {Text(at.FirstDay)} – {Text(at.LastDay)}."];
        if (endsOn is { } end)
        {
            if (at.Window.Refusal(end, "The last frozen day") is { } outside) errors["endsOn"] = [outside];
            else if (startsOn is { } s && end < s) errors["endsOn"] = ["The last frozen day must be on or after the first."];
        }
        if (errors.Count > 0) return new FreezeVerdict(errors, breaches);

        var span = new FrozenSpan(startsOn!.Value, endsOn);
        var clash = at.OtherFreezes.Where(o => Overlaps(o, span)).ToList();
        if (clash.Count > 0)
            errors["startsOn"] = [$"These days overlap the freeze from {Text(clash[0].StartsOn)}{(clash[0].EndsOn is { } oe ? $" to {Text(oe)}" : " (until unfrozen)")}."];
        if (errors.Count > 0) return new FreezeVerdict(errors, breaches);

        if (!terms.AllowFreeze) breaches.Add(new("startsOn", $"{terms.ItemName} does not allow freezes."));
        var days = endsOn is { } e ? FreezeMath.Days(span.StartsOn, e) : (int?)null;
        if (terms.MinDays is { } min && days < min)
            breaches.Add(new("endsOn", $"A freeze of {terms.ItemName} lasts at least {N(min)} days; this one lasts {N(days!.Value)}."));
        if (terms.MaxDays is { } max && (days is null || days > max))
            breaches.Add(new("endsOn", days is null
                ? $"A freeze of {terms.ItemName} lasts at most {N(max)} days; one until unfrozen has no end."
                : $"A freeze of {terms.ItemName} lasts at most {N(max)} days; this one lasts {N(days.Value)}."));
        if (terms.MaxDaysPerYear is { } perYear)
        {
            var horizon = span.StartsOn.AddDays(365);
            var most = FreezeMath.MostDaysInAnyYear([.. at.OtherFreezes, span], horizon);
            if (most > perYear)
                breaches.Add(new("endsOn", days is null
                    ? $"{terms.ItemName} may be frozen at most {N(perYear)} days in any 12 months; one until unfrozen has no end."
                    : $"{terms.ItemName} may be frozen at most {N(perYear)} days in any 12 months; with this freeze it would be {N(most)}."));
        }
        return new FreezeVerdict(errors, breaches);
    }

    private static bool Overlaps(FrozenSpan a, FrozenSpan b) =>
        a.StartsOn <= (b.EndsOn ?? DateOnly.MaxValue) && b.StartsOn <= (a.EndsOn ?? DateOnly.MaxValue);

    private static string Text(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
