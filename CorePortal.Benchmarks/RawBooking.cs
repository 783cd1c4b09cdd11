using System.Data.Common;
using CorePortal.Data;
using Microsoft.Data.Sqlite;

namespace CorePortal.Benchmarks;

/// <summary>
/// The booking baselines as raw statements on the engine's own driver, each in one transaction: BEGIN IMMEDIATE on SQLite
/// (the one writer), a plain READ COMMITTED transaction on PostgreSQL, where the conditional UPDATEs re-check their
/// conditions on the row they lock. The statements read the same on both engines (quoted names, @ parameters).
/// </summary>
public static class RawBooking
{
    private const string Debit = """
        UPDATE "CreditPeriods" SET "UsedCredits" = "UsedCredits" + 1, "Version" = @version
        WHERE "Id" = @period AND ("MaxCredits" IS NULL OR "UsedCredits" < "MaxCredits")
        RETURNING "UsedCredits", "MaxCredits"
        """;
    private const string Place = """UPDATE "Sessions" SET "BookedCount" = "BookedCount" + 1 WHERE "Id" = @session AND "BookedCount" < "Capacity" """;
    private const string InsertBooking = """
        INSERT INTO "Bookings" ("SessionId", "ClientId", "PurchaseId", "PeriodId", "Status", "BookedAtUtc", "ActiveClientId", "RequestKey", "UsesCredit")
        VALUES (@session, @client, @purchase, @period, 0, @now, @client, NULL, TRUE) RETURNING "Id"
        """;
    private const string InsertLedger = """
        INSERT INTO "Ledger" ("PurchaseId", "PeriodId", "Kind", "Amount", "MaxAfter", "UsedAfter", "BookingId", "Actor", "AtUtc", "Note")
        VALUES (@purchase, @period, 3, 1, @max, @used, @booking, 'Bench', @now, NULL)
        """;

    /// <summary>Baseline (a): the same booking as the service, by hand: debit, place, booking row, ledger row.</summary>
    public static Task<bool> BookAsync(BenchHost host, BookingPool pool, int sessionId) => Task.FromResult(Book(host, pool, sessionId, full: true));

    /// <summary>Baseline (b), the physical floor: one conditional debit plus one ledger row.</summary>
    public static Task<bool> FloorAsync(BenchHost host, BookingPool pool, int sessionId) => Task.FromResult(Book(host, pool, sessionId, full: false));

    private static bool Book(BenchHost host, BookingPool pool, int sessionId, bool full)
    {
        using var connection = host.OpenRaw();
        using var tx = connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : connection.BeginTransaction(); // BEGIN IMMEDIATE on SQLite
        var now = DateTime.UtcNow;
        int used;
        int? max;
        using (var debit = Command(connection, tx, Debit, pool, sessionId, now))
        {
            // EF Core's SQLite provider keeps a Guid as upper-case text; PostgreSQL's column is a uuid.
            var version = Guid.NewGuid();
            Add(debit, "@version", host.Engine == DatabaseEngine.Postgres ? version : version.ToString().ToUpperInvariant());
            using var reader = debit.ExecuteReader();
            if (!reader.Read()) return false; // rolled back on dispose
            used = reader.GetInt32(0);
            max = reader.IsDBNull(1) ? null : reader.GetInt32(1);
        }
        object booking = DBNull.Value;
        if (full)
        {
            using (var place = Command(connection, tx, Place, pool, sessionId, now))
                if (place.ExecuteNonQuery() == 0) return false;
            using var insert = Command(connection, tx, InsertBooking, pool, sessionId, now);
            booking = insert.ExecuteScalar()!;
        }
        using (var ledger = Command(connection, tx, InsertLedger, pool, sessionId, now))
        {
            Add(ledger, "@max", (object?)max ?? DBNull.Value);
            Add(ledger, "@used", used);
            Add(ledger, "@booking", booking);
            ledger.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction tx, string sql, BookingPool pool, int sessionId, DateTime now)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in new (string, object)[] { ("@period", pool.PeriodId), ("@session", sessionId), ("@client", pool.ClientId), ("@purchase", pool.PurchaseId), ("@now", now) })
            if (sql.Contains(name, StringComparison.Ordinal)) Add(command, name, value);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
