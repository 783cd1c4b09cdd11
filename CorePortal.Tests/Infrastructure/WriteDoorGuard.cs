using System.Data.Common;
using System.Text.RegularExpressions;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// On every context the tests make (TestDatabase, PortalFactory's apps), refuses a write that goes around the write door:
/// a SaveChanges with something to save, or a command that writes, on a context that holds no write transaction from
/// <c>db.BeginWriteAsync(ct)</c>. So the whole suite proves the app writes only through the door.
/// </summary>
public sealed partial class WriteDoorGuard : DbCommandInterceptor, ISaveChangesInterceptor
{
    public static readonly WriteDoorGuard Instance = new();

    private WriteDoorGuard() { }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && context.ChangeTracker.HasChanges()) Check(context, "SaveChanges");
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavingChanges(eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        CheckCommand(command, eventData, nonQuery: true);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        CheckCommand(command, eventData, nonQuery: true);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        CheckCommand(command, eventData, nonQuery: false);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        CheckCommand(command, eventData, nonQuery: false);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        CheckCommand(command, eventData, nonQuery: false);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        CheckCommand(command, eventData, nonQuery: false);
        return ValueTask.FromResult(result);
    }

    // A non-query is a write (ExecuteUpdate, ExecuteDelete, ExecuteSql), but for a PRAGMA or a SELECT (PostgreSQL's lock calls); a reader or scalar is one when it
    // starts with a writing statement (SaveChanges' INSERT … RETURNING, a hand-written UPDATE … RETURNING).
    private static void CheckCommand(DbCommand command, CommandEventData eventData, bool nonQuery)
    {
        if (eventData.Context is not { } context) return;
        var verb = FirstWord().Match(command.CommandText).Groups[1].Value.ToUpperInvariant();
        var writes = nonQuery ? verb is not ("PRAGMA" or "SELECT") : verb is "INSERT" or "UPDATE" or "DELETE" or "REPLACE" or "CREATE" or "DROP" or "ALTER";
        if (writes) Check(context, $"the command \"{Abbreviate(command.CommandText)}\"");
    }

    private static void Check(Microsoft.EntityFrameworkCore.DbContext context, string what)
    {
        if (context is CoreDbContext { HoldsWriteDoor: true }) return;
        throw new InvalidOperationException(
            $"A write went around the write door: {what} ran on a context that holds no write transaction. Begin every write with " +
            "`await using var tx = await db.BeginWriteAsync(ct);` and commit it (test fixtures: TestDatabase.WriteAsync or TestDatabase.BeginWrite).");
    }

    private static string Abbreviate(string sql)
    {
        var line = sql.ReplaceLineEndings(" ").Trim();
        return line.Length > 80 ? line[..80] + "…" : line;
    }

    // The first word of the statement, after any leading comment lines (TagWith).
    [GeneratedRegex(@"^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)")]
    private static partial Regex FirstWord();
}
