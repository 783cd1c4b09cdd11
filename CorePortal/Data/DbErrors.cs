using Microsoft.Data.Sqlite;
using Npgsql;

namespace CorePortal.Data;

/// <summary>Recognises constraint failures on either engine, so a service can answer with the rule that was hit.</summary>
public static class DbErrors
{
    private const int SqliteConstraintFailed = 19;
    private const string PostgresUniqueViolation = "23505";
    private const string PostgresCheckViolation = "23514";

    /// <summary>
    /// A unique index failed on a column list that includes <paramref name="column"/> ("RequestKey", or "Bookings.RequestKey" to name
    /// the table too); from SaveChanges (a DbUpdateException around it) or from a SQL statement (the engine's exception itself).
    /// SQLite names the columns in its message; PostgreSQL names the index, which EF Core calls IX_Table_Column….
    /// </summary>
    public static bool IsUnique(Exception ex, string column) => EngineError(ex) switch
    {
        SqliteException { SqliteErrorCode: SqliteConstraintFailed } sqlite =>
            sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal) && sqlite.Message.Contains(column, StringComparison.Ordinal),
        PostgresException { SqlState: PostgresUniqueViolation } postgres =>
            postgres.ConstraintName?.Contains(column.Replace('.', '_'), StringComparison.Ordinal) == true,
        _ => false,
    };

    /// <summary>A CHECK constraint (for example CK_CreditPeriods_Used) refused the write.</summary>
    public static bool IsCheck(Exception ex, string constraint) => EngineError(ex) switch
    {
        SqliteException { SqliteErrorCode: SqliteConstraintFailed } sqlite => sqlite.Message.Contains($"CHECK constraint failed: {constraint}", StringComparison.Ordinal),
        PostgresException { SqlState: PostgresCheckViolation } postgres => postgres.ConstraintName == constraint,
        _ => false,
    };

    private static Exception? EngineError(Exception ex) =>
        ex is SqliteException or PostgresException ? ex : ex.InnerException is SqliteException or PostgresException ? ex.InnerException : null;
}
