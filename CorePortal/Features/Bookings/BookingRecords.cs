using System.Globalization;
using CorePortal.Data;

namespace CorePortal.Features.Bookings;

/// <summary>A time frame a client may book from: their own purchase or one shared with them and accepted.</summary>
/// LimitText: what is left of the owner's cap for this client ("2 of 4 left for Leo this month"), for a capped shared source.
public sealed record CreditSource(int PurchaseId, int PeriodId, string PurchaseName, string OwnerName, bool IsShared, int? Remaining, DateOnly ExpiresOn,
    string? LimitText = null)
{
    public string RemainingText => Remaining is { } left ? $"{left} left" : "Unlimited";
    public string Label => (IsShared ? $"{PurchaseName} (shared by {OwnerName}) · {RemainingText}" : $"{PurchaseName} · {RemainingText}")
        + (LimitText is null ? "" : $" · {LimitText}") + $" · expires {ExpiresOn.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";
}

/// <summary>What a booking request ended with. Replayed: the request key had booked already, this is that booking.</summary>
public sealed record BookingReceipt(int BookingId, int PeriodId, int? Remaining, bool Replayed);

public static class SessionLabel
{
    public static string Of(string name, DateTime startsAt) =>
        $"{name} on {startsAt.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)}";

    public static string StatusText(BookingStatus status) => status == BookingStatus.NoShow ? "No-show" : status.ToString();
}
