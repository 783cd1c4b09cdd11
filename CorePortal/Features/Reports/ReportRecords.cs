namespace CorePortal.Features.Reports;

/// <summary>A report's date range, whole days inclusive, read as UTC days like the ledger's AtUtc.</summary>
public sealed record ReportRange(DateOnly From, DateOnly To)
{
    public DateTime FromUtc => From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    /// <summary>The first instant after the range: the end of the day To.</summary>
    public DateTime EndUtc => To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}

/// <summary>
/// Credits still unused on limited purchases of one catalog item at one location, and what they are worth; of which
/// RolledRemaining sit in buckets of rolled credits, and the Frozen figures are the purchases with an active freeze covering the day.
/// </summary>
public sealed record LiabilityRow(string Location, int CatalogItemId, string Item, int Purchases, int Remaining, long ValueCents,
    int RolledRemaining = 0, int FrozenPurchases = 0, int FrozenRemaining = 0, long FrozenValueCents = 0);

/// <summary>An active unlimited purchase and how many days it still runs.</summary>
public sealed record UnlimitedRow(int PurchaseId, string Owner, string Location, string Item, DateOnly EndsOn, int DaysLeft);

/// <summary>One page of unlimited purchases and how many there are across all pages.</summary>
public sealed record UnlimitedPage(IReadOnlyList<UnlimitedRow> Rows, int Total);

/// <summary>One week of credit movements; Week is the Monday that starts it.</summary>
/// <remarks>
/// Granted: grants and renewals. Forfeited: credits taken away by an early end (Forfeited rows) or a prorated freeze (Frozen
/// rows, whose amounts are never positive). Expired: Expired rows, plus what is still unused on periods ending in the week.
/// </remarks>
public sealed record UsageWeek(DateOnly Week, int Granted, int Used, int Refunded, int Adjusted, int Expired, int Forfeited = 0);

/// <summary>A ledger row behind a figure, as a manager reads it.</summary>
public sealed record ReportLedgerRow(long Id, DateTime AtUtc, string Actor, string Action, int Amount, string Owner, string Item, string? Note);

/// <summary>What one staff member added and deducted over the range.</summary>
public sealed record AdjusterTotal(string Actor, int Changes, int Added, int Deducted);

public sealed record SharingSummary(int SharedPurchases, int AuthorizedClients, int Visits, int VisitsByOthers, int PendingInvitations, int DeclinedInvitations)
{
    public double OthersShare => Visits == 0 ? 0 : (double)VisitsByOthers / Visits;
}
