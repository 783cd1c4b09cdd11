using CorePortal.Data;

namespace CorePortal.Features.Memberships;

/// <summary>A freeze as asked for: from a day (today or later) to a day, or open-ended (EndsOn null); Mode null takes the item's default.</summary>
public sealed record FreezeInput(DateOnly? StartsOn, DateOnly? EndsOn, FreezeMode? Mode, string? Note, string? OverrideNote = null,
    IReadOnlyList<BookingDecision>? Bookings = null, int? FreezeRequestId = null);

/// <summary>What a freeze (or its early end) does to one period: its dates and Credits Max before and after, as the save writes them.</summary>
public sealed record FreezePeriodChange(int PeriodId, DateOnly StartsOnBefore, DateOnly EndsOnBefore, DateOnly StartsOnAfter, DateOnly EndsOnAfter,
    int Used, int? MaxBefore, int? MaxAfter);

/// <summary>
/// Exactly what a freeze will write: the periods it changes, the bookings on frozen days with the choices taken, and the item's
/// rules it breaks (a Manager may save them with an override note). Preview and save compute it with the same code.
/// </summary>
public sealed record FreezePlan(int PurchaseId, string PurchaseName, DateOnly StartsOn, DateOnly? EndsOn, FreezeMode Mode,
    IReadOnlyList<FreezePeriodChange> Periods, IReadOnlyList<AffectedBooking> Bookings, IReadOnlyList<BookingDecision> Decisions,
    IReadOnlyList<string> RuleBreaches, int? FreezeId = null);
