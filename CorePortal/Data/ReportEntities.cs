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

/// <summary>
/// What the ledger's rows of one kind add up to on one UTC day (the date part of AtUtc, the days reports are read in). Kept by
/// the database itself: a trigger adds every inserted ledger row in the same transaction (see <see cref="LedgerDayTotalsSql"/>),
/// so a report over a range reads days × kinds rows instead of every ledger row.
/// </summary>
public sealed class LedgerDayTotal
{
    public DateOnly Day { get; set; }
    public LedgerKind Kind { get; set; }
    public int Amount { get; set; }
    public int Rows { get; set; }
}

/// <summary>The trigger that keeps <see cref="LedgerDayTotal"/> and the rebuild from the ledger, in one place for the migration and the bulk seeder.</summary>
public static class LedgerDayTotalsSql
{
    public const string TriggerName = "TR_Ledger_DayTotals";

    // EF Core's SQLite provider (and Microsoft.Data.Sqlite for raw inserts) store a DateTime as 'yyyy-MM-dd HH:mm:ss…': the first
    // ten characters are its day, the same day ReportRange's bounds cut. A migration that rebuilds the Ledger table drops the
    // trigger with it: such a migration must create it again (LedgerAudit.FindDayTotalDisagreementsAsync would notice).
    public const string CreateTrigger = $"""
        CREATE TRIGGER {TriggerName} AFTER INSERT ON Ledger
        BEGIN
            INSERT INTO LedgerDailyTotals (Day, Kind, Amount, Rows) VALUES (substr(NEW.AtUtc, 1, 10), NEW.Kind, NEW.Amount, 1)
            ON CONFLICT (Day, Kind) DO UPDATE SET Amount = Amount + excluded.Amount, Rows = Rows + 1;
        END
        """;

    public const string FromLedger = "SELECT substr(AtUtc, 1, 10) AS Day, Kind, SUM(Amount) AS Amount, COUNT(*) AS Rows FROM Ledger GROUP BY substr(AtUtc, 1, 10), Kind";

    public const string Rebuild = $"DELETE FROM LedgerDailyTotals; INSERT INTO LedgerDailyTotals (Day, Kind, Amount, Rows) {FromLedger};";
}
