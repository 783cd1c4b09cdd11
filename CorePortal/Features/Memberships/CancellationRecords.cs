using System.Text.Json.Serialization;
using CorePortal.Data;

namespace CorePortal.Features.Memberships;

/// <summary>When a cancellation takes effect: at once (the purchase is unusable from today) or at the end of the current period.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CancelEffective>))]
public enum CancelEffective { Now, EndOfPeriod }

/// <summary>A cancellation as asked for: Effective null takes the default (a membership at the end of its period, a package now).</summary>
public sealed record CancellationRequest(CancelEffective? Effective, string? Reason, IReadOnlyList<BookingDecision>? Bookings = null);

/// <summary>
/// What a cancellation does to one period, as the save writes it: a Forfeited row (Credits Max down to what is used after the
/// refunds, amount 0 on unlimited) with the period closed at the purchase's last usable day, or, for a bucket of rolled credits
/// that outlives an end-of-period cancellation, a Validity row that only shortens it.
/// </summary>
public sealed record CancelPeriodChange(int PeriodId, int Sequence, DateOnly StartsOn, DateOnly EndsOnBefore, DateOnly EndsOnAfter,
    int UsedBefore, int Refunded, int? MaxBefore, int? MaxAfter, [property: JsonConverter(typeof(JsonStringEnumConverter<LedgerKind>))] LedgerKind Kind)
{
    public int UsedAfter => UsedBefore - Refunded;

    /// <summary>Credits lost: Max before less Max after (none on an unlimited period).</summary>
    public int Forfeited => MaxBefore is { } before && MaxAfter is { } after ? before - after : 0;
}

/// <summary>An authorized client (or a pending invitation) whose share ends with the purchase.</summary>
public sealed record EndingShare(int ShareId, int ClientId, string Client, [property: JsonConverter(typeof(JsonStringEnumConverter<ShareStatus>))] ShareStatus Status);

/// <summary>
/// Exactly what a cancellation writes: the purchase's last usable day (CancelsOn) and its status after, the periods that end,
/// the future bookings with the choices taken, and the shares that end. Preview and save compute it with the same code.
/// </summary>
public sealed record CancellationPlan(int PurchaseId, string PurchaseName, CatalogKind Kind, CancelEffective Effective, DateOnly CancelsOn,
    [property: JsonConverter(typeof(JsonStringEnumConverter<PurchaseStatus>))] PurchaseStatus StatusAfter, string Reason, IReadOnlyList<CancelPeriodChange> Periods, IReadOnlyList<AffectedBooking> Bookings,
    IReadOnlyList<BookingDecision> Decisions, IReadOnlyList<EndingShare> Shares)
{
    public int ForfeitedCredits => Periods.Sum(p => p.Forfeited);
}
