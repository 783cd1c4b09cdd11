using System.Globalization;
using CorePortal.Data;
using CorePortal.Features.Common;

namespace CorePortal.Features.Memberships;

/// <summary>
/// The item's freeze rules as they apply to a member's request, written once: the freeze must be allowed, start today or
/// later while the purchase still runs, and last between the item's minimum and maximum days (an open-ended freeze has no
/// length, so an item with a maximum needs a last day). The yearly allowance is checked when staff approve (FreezeService).
/// </summary>
public static class FreezeRequestRules
{
    public const string StartsOnField = "StartsOn";
    public const string EndsOnField = "EndsOn";

    /// <summary>The refusals by field; empty when the request may be sent. The purchase comes with its catalog item.</summary>
    public static Dictionary<string, string[]> Errors(Purchase purchase, FreezeRequestInput input, DateOnly today, DateWindow window)
    {
        var errors = new Dictionary<string, string[]>();
        var item = purchase.CatalogItem ?? throw new ArgumentException("The purchase's catalog item is needed.", nameof(purchase));
        if (!item.AllowFreeze) return Refuse(errors, StartsOnField, $"{purchase.Name} cannot be frozen.");
        if (purchase.Status != PurchaseStatus.Active || purchase.EndsOn < today)
            return Refuse(errors, StartsOnField, $"{purchase.Name} has ended; there is nothing to freeze.");
        if (input.StartsOn is not { } start) return Refuse(errors, StartsOnField, "Choose the first day of the freeze.");
        window.Check(errors, StartsOnField, start, "The first day");
        window.Check(errors, EndsOnField, input.EndsOn, "The last day");
        if (errors.Count > 0) return errors;
        if (start < today) return Refuse(errors, StartsOnField, "A freeze can start today at the earliest.");
        if (purchase.CancelsOn is { } lastDay && start > lastDay)
            return Refuse(errors, StartsOnField, $"{purchase.Name} is cancelled from {Day(lastDay.AddDays(1))}; a freeze must start by {Day(lastDay)}.");
        if (purchase.Renewal == RenewalKind.FixedTerm && start > purchase.EndsOn)
            return Refuse(errors, StartsOnField, $"A freeze must start by {Day(purchase.EndsOn)}, the last day of {purchase.Name}.");
        if (input.EndsOn is { } end)
        {
            if (end < start) return Refuse(errors, EndsOnField, "The last day must be on or after the first day.");
            var days = end.DayNumber - start.DayNumber + 1;
            if (item.FreezeMinDays is { } min && days < min) return Refuse(errors, EndsOnField, $"A freeze of {purchase.Name} lasts at least {Days(min)}.");
            if (item.FreezeMaxDays is { } max && days > max) return Refuse(errors, EndsOnField, $"A freeze of {purchase.Name} lasts at most {Days(max)}.");
        }
        else if (item.FreezeMaxDays is { } max)
            return Refuse(errors, EndsOnField, $"Choose the last day: a freeze of {purchase.Name} lasts at most {Days(max)}.");
        return errors;
    }

    private static Dictionary<string, string[]> Refuse(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return errors;
    }

    private static string Days(int n) => n == 1 ? "1 day" : $"{n.ToString(CultureInfo.InvariantCulture)} days";

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
