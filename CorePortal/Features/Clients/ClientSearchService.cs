using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CorePortal.Features.Clients;

public sealed record ClientRow(int Id, string FirstName, string LastName, string Email, string Phone, string Barcode, string HomeLocation)
{
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>One page of matches. With <c>TotalIsCapped</c> more than <c>Total</c> clients match (counting stopped there).</summary>
public sealed record ClientPage(IReadOnlyList<ClientRow> Rows, int Total, bool TotalIsCapped = false);

/// <summary>
/// The one client search (Clients page, staff API, and the client picker of New Sale, sharing and booking).
/// Finds clients by name, email, phone or barcode. Every branch is a range or equality lookup on an indexed
/// search-key column, so a query stays fast at 100,000 clients: text matches the start of a first name,
/// last name or email, case-insensitively; phone digits match the start or the end of the number,
/// ignoring spaces, dashes, brackets and a leading +; a barcode matches exactly.
/// </summary>
/// <remarks>
/// Search runs at every pause in typing, so it reads with the engine's own ADO.NET driver (Microsoft.Data.Sqlite or Npgsql)
/// on a pooled connection: EF's context, connection set-up and query pipeline cost ten times the indexed lookup itself, and at
/// these sizes that is the whole cost. The SQL is the same on both engines: quoted names, <c>@p</c> parameters, and key columns
/// that compare in code-point order (SQLite's BINARY, PostgreSQL's "C" collation), so the ranges below are index ranges on both.
/// </remarks>
public sealed class ClientSearchService(IDbContextFactory<CoreDbContext> dbFactory)
{
    public const int DefaultPageSize = 25;

    /// <summary>Counting stops past this many matches: a three-letter name matches thousands, and nobody pages through them.</summary>
    public const int CountLimit = 1_000;

    /// <summary>A picker lists this many clients at most: past that, staff type more.</summary>
    public const int PickerSize = 10;

    /// <summary>A picker searches from this many characters: one letter matches a large share of the studio.</summary>
    public const int PickerMinLength = 2;

    private const string RowSql = """
        SELECT c."Id", c."FirstName", c."LastName", c."Email", c."Phone", c."Barcode", l."Name"
        FROM "Clients" c JOIN "Locations" l ON l."Id" = c."HomeLocationId"
        """;

    private const string Order = """ORDER BY c."LastNameKey", c."FirstNameKey", c."Id" """;

    private (DatabaseEngine Engine, string ConnectionString)? _database;

    /// <summary>One page of the clients matching what staff typed: the studio team (members never search other clients).</summary>
    public async Task<ServiceResult<ClientPage>> SearchAsync(ClaimsPrincipal user, string? query, int page = 0, int pageSize = DefaultPageSize,
        CancellationToken ct = default)
    {
        if (!Access.CanSearchClients(user)) return ServiceResult.Failure<ClientPage>(ServiceResult.Forbidden());
        page = Math.Max(0, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var filter = Filter(query ?? "");
        await using var connection = await OpenAsync(ct);
        var rows = new List<ClientRow>();
        await using (var command = filter.Command(connection, PageSql(filter, page, pageSize)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add(new ClientRow(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        // A page that is not full is the last one, so it tells the total without a second query (the usual case for
        // an email, a phone number or a barcode).
        if (rows.Count < pageSize && (rows.Count > 0 || page == 0)) return ServiceResult.Success(new ClientPage(rows, page * pageSize + rows.Count));
        await using var count = filter.Command(connection, CountSql(filter));
        var counted = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return ServiceResult.Success(new ClientPage(rows, Math.Min(counted, CountLimit), counted > CountLimit));
    }

    /// <summary>
    /// The client whose barcode is exactly this (null when none), for scanners: the desk opens the profile straight away.
    /// The studio team, as for search.
    /// </summary>
    public async Task<ServiceResult<int?>> FindByBarcodeAsync(ClaimsPrincipal user, string? barcode, CancellationToken ct = default)
    {
        if (!Access.CanSearchClients(user)) return ServiceResult.Failure<int?>(ServiceResult.Forbidden());
        var code = barcode?.Trim();
        if (string.IsNullOrEmpty(code)) return ServiceResult.Success<int?>(null);
        var filter = new ClientFilter();
        await using var connection = await OpenAsync(ct);
        await using var command = filter.Command(connection, BarcodeSql(filter, code));
        return ServiceResult.Success(await command.ExecuteScalarAsync(ct) is { } id and not DBNull ? Convert.ToInt32(id, CultureInfo.InvariantCulture) : (int?)null);
    }

    /// <summary>
    /// The clients a picker offers for what staff typed (same rules as the Clients page), first by last name; nothing for
    /// fewer than two characters, and nothing for a caller who is not staff: members and trainers cannot search clients.
    /// </summary>
    public async Task<IReadOnlyList<ClientOption>> OptionsAsync(ClaimsPrincipal user, string? text, CancellationToken ct = default)
    {
        var q = (text ?? "").Trim();
        if (!Access.CanPickClients(user) || q.Length < PickerMinLength) return [];
        var filter = Filter(q);
        await using var connection = await OpenAsync(ct);
        await using var command = filter.Command(connection, OptionsSql(filter));
        var options = new List<ClientOption>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            options.Add(new ClientOption(reader.GetInt32(0), $"{reader.GetString(1)} {reader.GetString(2)}", reader.GetString(3), reader.GetString(4)));
        return options;
    }

    // Every statement the service runs, one method each, so the query-plan test explains exactly these.
    internal static string PageSql(ClientFilter filter, int page, int pageSize) =>
        $"{RowSql} WHERE {filter.Sql} {Order} LIMIT {pageSize} OFFSET {page * pageSize}";

    internal static string CountSql(ClientFilter filter) =>
        $"""SELECT count(*) FROM (SELECT 1 FROM "Clients" c WHERE {filter.Sql} LIMIT {CountLimit + 1}) AS capped""";

    internal static string OptionsSql(ClientFilter filter) =>
        $"""SELECT c."Id", c."FirstName", c."LastName", c."Email", c."Barcode" FROM "Clients" c WHERE {filter.Sql} {Order} LIMIT {PickerSize}""";

    internal static string BarcodeSql(ClientFilter filter, string code) =>
        $"""SELECT c."Id" FROM "Clients" c WHERE {filter.Exact(nameof(Client.Barcode), code)} LIMIT 1""";

    /// <summary>The WHERE clause (over Clients as c) for what staff typed.</summary>
    internal static ClientFilter Filter(string query)
    {
        var f = new ClientFilter();
        var q = query.Trim();
        if (q.Length == 0) return f;
        var digits = ClientSearchKeys.Digits(q);
        if (LooksLikePhone(q) && digits.Length >= 3)
            return f.AnyOf(
                f.Exact(nameof(Client.Barcode), q),
                f.Prefix(nameof(Client.PhoneDigits), digits),
                f.Prefix(nameof(Client.PhoneDigitsReversed), ClientSearchKeys.Reverse(digits)));

        var words = ClientSearchKeys.Text(q).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2)
            return f.AnyOf(
                $"{f.Prefix(nameof(Client.FirstNameKey), words[0])} AND {f.Prefix(nameof(Client.LastNameKey), string.Join(' ', words[1..]))}",
                $"{f.Prefix(nameof(Client.LastNameKey), string.Join(' ', words[..^1]))} AND {f.Prefix(nameof(Client.FirstNameKey), words[^1])}");

        return f.AnyOf(
            f.Exact(nameof(Client.Barcode), q),
            f.Prefix(nameof(Client.FirstNameKey), words[0]),
            f.Prefix(nameof(Client.LastNameKey), words[0]),
            f.Prefix(nameof(Client.EmailKey), words[0]));
    }

    private static bool LooksLikePhone(string q) => q.All(ch => char.IsAsciiDigit(ch) || ch is ' ' or '-' or '+' or '(' or ')' or '.');

    /// <summary>A pooled connection of the context's engine (both drivers pool by connection string).</summary>
    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_database is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            _database = (db.Engine, db.Database.GetConnectionString()!);
        }
        var (engine, connectionString) = _database.Value;
        DbConnection connection = engine == DatabaseEngine.Postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

/// <summary>
/// A WHERE clause over Clients (as c) with its values as <c>@p</c> parameters (both drivers read that form). Every prefix
/// reads `key &gt;= low AND key &lt; high`: a range either engine answers from the column's index (LIKE 'x%' would scan on
/// SQLite, and on PostgreSQL under any collation but "C").
/// </summary>
internal sealed class ClientFilter
{
    private readonly Dictionary<string, string> _values = [];

    public string Sql { get; private set; } = "1 = 1";

    public ClientFilter AnyOf(params string[] terms)
    {
        Sql = string.Join(" OR ", terms.Select(t => $"({t})"));
        return this;
    }

    public string Prefix(string column, string prefix) => $"c.\"{column}\" >= {Value(prefix)} AND c.\"{column}\" < {Value(prefix + '\uffff')}";

    public string Exact(string column, string value) => $"c.\"{column}\" = {Value(value)}";

    public DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in _values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private string Value(string value)
    {
        var name = $"@p{_values.Count}";
        _values[name] = value;
        return name;
    }
}
