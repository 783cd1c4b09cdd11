using Microsoft.Data.Sqlite;

namespace CorePortal.Features.Bookings;

/// <summary>Recognises SQLite constraint failures (error 19) so a service can answer with the rule that was hit.</summary>
public static class SqliteConstraint
{
    private const int ConstraintFailed = 19;

    /// <summary>
    /// A unique index failed on a column list that includes <paramref name="column"/>, e.g. "Bookings.RequestKey";
    /// from SaveChanges (a DbUpdateException around it) or from a SQL statement (the SqliteException itself).
    /// </summary>
    public static bool IsUnique(Exception ex, string column) =>
        (ex as SqliteException ?? ex.InnerException) is SqliteException { SqliteErrorCode: ConstraintFailed } sqlite
        && sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal)
        && sqlite.Message.Contains(column, StringComparison.Ordinal);
}
