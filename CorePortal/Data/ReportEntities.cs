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
    /// <summary>PostgreSQL only: which of a day's rows this is (the writing connection's), so writers do not share one row lock.</summary>
    public short Slot { get; set; }
}

/// <summary>The trigger that keeps <see cref="LedgerDayTotal"/> and the rebuild from the ledger, per engine, in one place for the migrations and the bulk seeder.</summary>
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

    /// <summary>The day totals as the ledger's rows add them up (columns Day, Kind, Amount, Rows), on the context's engine.</summary>
    public static string FromLedgerOn(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? Postgres.FromLedger : FromLedger;

    public static string RebuildOn(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? Postgres.Rebuild : Rebuild;

    public static string CreateTriggerOn(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? Postgres.CreateTrigger : CreateTrigger;

    public static string DropTriggerOn(DatabaseEngine engine) =>
        engine == DatabaseEngine.Postgres ? $"DROP TRIGGER \"{TriggerName}\" ON \"Ledger\"" : $"DROP TRIGGER {TriggerName}";

    /// <summary>
    /// PostgreSQL: the same totals, each day and kind spread over 16 slots picked by the writing connection, so that bookings on
    /// many connections (several servers) do not all queue on today's one row lock; readers sum the slots. AtUtc is a timestamptz:
    /// its UTC date is the day.
    /// </summary>
    public static class Postgres
    {
        public const string CreateTrigger = $"""
            CREATE FUNCTION ledger_day_totals() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO "LedgerDailyTotals" ("Day", "Kind", "Slot", "Amount", "Rows")
                VALUES ((NEW."AtUtc" AT TIME ZONE 'UTC')::date, NEW."Kind", (pg_backend_pid() % 16)::smallint, NEW."Amount", 1)
                ON CONFLICT ("Day", "Kind", "Slot") DO UPDATE
                    SET "Amount" = "LedgerDailyTotals"."Amount" + excluded."Amount", "Rows" = "LedgerDailyTotals"."Rows" + 1;
                RETURN NULL;
            END $$;
            CREATE TRIGGER "{TriggerName}" AFTER INSERT ON "Ledger" FOR EACH ROW EXECUTE FUNCTION ledger_day_totals();
            """;

        public const string FromLedger = """
            SELECT ("AtUtc" AT TIME ZONE 'UTC')::date AS "Day", "Kind", SUM("Amount")::int AS "Amount", COUNT(*)::int AS "Rows"
            FROM "Ledger" GROUP BY ("AtUtc" AT TIME ZONE 'UTC')::date, "Kind"
            """;

        public const string Rebuild = $"""
            DELETE FROM "LedgerDailyTotals";
            INSERT INTO "LedgerDailyTotals" ("Day", "Kind", "Slot", "Amount", "Rows") SELECT "Day", "Kind", 0, "Amount", "Rows" FROM ({FromLedger}) AS totals;
            """;
    }
}

/// <summary>
/// The triggers that make the ledger append-only in the database itself: an UPDATE or DELETE of a ledger row (by the app, a
/// migration or a hand at the console) is refused, on each engine, in one place for the migrations. Only inserts are allowed,
/// so the bulk seeder and the day-totals trigger are unaffected.
/// </summary>
public static class LedgerAppendOnlySql
{
    public const string NoUpdateTrigger = "TR_Ledger_NoUpdate";
    public const string NoDeleteTrigger = "TR_Ledger_NoDelete";
    public const string NoTruncateTrigger = "TR_Ledger_NoTruncate";
    /// <summary>PostgreSQL: one row trigger refuses both.</summary>
    public const string NoChangeTrigger = "TR_Ledger_NoChange";

    // SQLite has no TRUNCATE: a DELETE without WHERE still fires the row trigger (the truncate optimisation is off when one exists).
    // A migration that rebuilds the Ledger table drops these with it: such a migration must create them again.
    public const string Create = $"""
        CREATE TRIGGER {NoUpdateTrigger} BEFORE UPDATE ON Ledger BEGIN SELECT RAISE(ABORT, 'ledger rows are never updated'); END;
        CREATE TRIGGER {NoDeleteTrigger} BEFORE DELETE ON Ledger BEGIN SELECT RAISE(ABORT, 'ledger rows are never deleted'); END;
        """;

    public const string Drop = $"DROP TRIGGER {NoUpdateTrigger}; DROP TRIGGER {NoDeleteTrigger};";

    public static string CreateOn(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? Postgres.Create : Create;

    public static string DropOn(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? Postgres.Drop : Drop;

    /// <summary>PostgreSQL: one function for rows and statements; TRUNCATE skips row triggers, so it has a statement trigger of its own.</summary>
    public static class Postgres
    {
        public const string Create = $"""
            CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'ledger rows are never %', CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
                    USING ERRCODE = 'restrict_violation';
            END $$;
            CREATE TRIGGER "{NoChangeTrigger}" BEFORE UPDATE OR DELETE ON "Ledger" FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
            CREATE TRIGGER "{NoTruncateTrigger}" BEFORE TRUNCATE ON "Ledger" FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
            """;

        public const string Drop = $"""
            DROP TRIGGER "{NoTruncateTrigger}" ON "Ledger";
            DROP TRIGGER "{NoChangeTrigger}" ON "Ledger";
            DROP FUNCTION ledger_append_only();
            """;
    }
}
