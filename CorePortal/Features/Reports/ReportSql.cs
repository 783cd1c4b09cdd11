using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CorePortal.Data;

namespace CorePortal.Features.Reports;

/// <summary>
/// What the reports' raw SQL needs from each engine, side by side (STYLE 24). Everything else in the reports' SQL is written
/// once for both: every name double-quoted, counts and sums cast to the width the records read, no boolean results.
/// </summary>
internal static partial class ReportSql
{
    /// <summary>
    /// SQL written with named parameters (@day), shared fragments and all, bound through EF Core's interpolated form: each value
    /// goes through the engine's own type mapping (a DateOnly is text on SQLite and a date on PostgreSQL, a UTC DateTime text
    /// or a timestamptz), so the SQL compares like with like on both.
    /// </summary>
    public static FormattableString Bind(string sql, params (string Name, object Value)[] args)
    {
        var index = args.Select((a, i) => (a.Name, i)).ToDictionary(a => a.Name, a => a.i, StringComparer.Ordinal);
        var format = ParameterName().Replace(sql, m => index.TryGetValue(m.Groups[1].Value, out var i)
            ? $"{{{i}}}"
            : throw new ArgumentException($"No value given for @{m.Groups[1].Value}.", nameof(args)));
        return FormattableStringFactory.Create(format, [.. args.Select(a => a.Value)]);
    }

    [GeneratedRegex(@"@([A-Za-z]\w*)")]
    private static partial Regex ParameterName();

    /// <summary>The Monday on or before a day (a date on PostgreSQL, 'yyyy-MM-dd' text on SQLite).</summary>
    public static string WeekOf(DatabaseEngine engine, string day) => engine == DatabaseEngine.Postgres
        ? $"({day} - (EXTRACT(ISODOW FROM {day})::int - 1))" // date minus whole days is a date; no time zone involved
        : $"date({day}, '-6 days', 'weekday 1')"; // back six days, then forward to a Monday

    /// <summary>Whole days from <paramref name="from"/> to <paramref name="to"/>, two dates, as an integer.</summary>
    public static string DaysBetween(DatabaseEngine engine, string from, string to) => engine == DatabaseEngine.Postgres
        ? $"({to} - {from})"
        : $"CAST(julianday({to}) - julianday({from}) AS INTEGER)";

    /// <summary>
    /// The ledger grouped per period. "+ 0" keeps SQLite on the AtUtc index instead of walking the whole ledger by PeriodId;
    /// PostgreSQL plans a grouping itself (and wants the grouped column as selected).
    /// </summary>
    public static string PerPeriod(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? "\"PeriodId\"" : "\"PeriodId\" + 0";

    /// <summary>An inner join whose order SQLite must keep (CROSS JOIN fixes it there); PostgreSQL's planner picks its own.</summary>
    public static string JoinInOrder(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? "JOIN" : "CROSS JOIN";

    /// <summary>SQLite's hint to walk a table by rowid instead of an index; PostgreSQL has no hints.</summary>
    public static string NotIndexed(DatabaseEngine engine) => engine == DatabaseEngine.Postgres ? "" : "NOT INDEXED";
}
