namespace CorePortal.Data;

/// <summary>
/// The remaining-credit figures per location and item as they stood at the end of a past day, worked out from the ledger once
/// and kept, so the report need not replay the ledger again. A cache, not a record: it is replaced when it goes stale.
/// </summary>
public sealed class LiabilitySnapshot
{
    public DateOnly Day { get; set; }
    /// <summary>The highest ledger row id when the figures were taken; a later row dated on or before Day makes them stale.</summary>
    public long LastLedgerId { get; set; }
    /// <summary>The figures as JSON: a few rows, one per location and item.</summary>
    public required string Figures { get; set; }
    public DateTime TakenAtUtc { get; set; }
}
