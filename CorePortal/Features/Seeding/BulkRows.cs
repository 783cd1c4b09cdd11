using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CorePortal.Features.Seeding;

/// <summary>
/// Where the bulk seeder's rows go, per engine, inside the seeder's one write transaction: on SQLite a prepared INSERT per
/// row; on PostgreSQL the rows wait in memory until <see cref="FlushAsync"/> and go in with one binary COPY per table, parents
/// before children (a round trip per row would take minutes for 100,000 clients).
/// </summary>
internal abstract class BulkRows : IAsyncDisposable
{
    /// <summary>The tables the seeder fills, parents first, with the columns it writes.</summary>
    public static readonly IReadOnlyList<(string Table, string[] Columns)> Tables =
    [
        ("Sessions", ["Id", "Name", "LocationId", "Trainer", "StartsAt", "DurationMinutes", "Capacity", "BookedCount"]),
        ("Clients", ["Id", "FirstName", "LastName", "Email", "Phone", "Barcode", "HomeLocationId", "FirstNameKey", "LastNameKey", "EmailKey", "PhoneDigits", "PhoneDigitsReversed"]),
        ("Purchases", ["Id", "OwnerClientId", "CatalogItemId", "LocationId", "Kind", "Name", "PriceCents", "CreditsPerPeriod", "PeriodUnit", "AllowSharing", "SharingLimit", "SharingTermsNote", "SoldAtUtc", "StartsOn", "EndsOn", "Status", "Renewal", "PeriodCount", "Rollover", "RolloverCap", "RolloverExpiresAfterPeriods"]),
        ("CreditPeriods", ["Id", "PurchaseId", "Sequence", "StartsOn", "EndsOn", "MaxCredits", "UsedCredits", "Version"]),
        ("Bookings", ["Id", "SessionId", "ClientId", "PurchaseId", "PeriodId", "Status", "BookedAtUtc", "ActiveClientId", "RequestKey", "UsesCredit"]),
        ("Ledger", ["Id", "PurchaseId", "PeriodId", "Kind", "Amount", "MaxAfter", "UsedAfter", "StartsOnAfter", "EndsOnAfter", "BookingId", "Actor", "AtUtc", "Note"]),
    ];

    public static BulkRows For(DbConnection connection, DbTransaction tx) => connection switch
    {
        SqliteConnection sqlite => new SqliteRows(sqlite, (SqliteTransaction)tx),
        NpgsqlConnection npgsql => new PostgresRows(npgsql),
        _ => throw new NotSupportedException(connection.GetType().Name),
    };

    /// <summary>One row, values in the order of the table's columns above.</summary>
    public abstract void Add(string table, params object?[] values);

    public abstract Task FlushAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    private sealed class SqliteRows : BulkRows
    {
        private readonly Dictionary<string, SqliteCommand> _inserts = [];

        public SqliteRows(SqliteConnection connection, SqliteTransaction tx)
        {
            foreach (var (table, columns) in Tables)
            {
                var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
                for (var i = 0; i < columns.Length; i++) cmd.Parameters.Add(new SqliteParameter($"$p{i}", null));
                cmd.Prepare();
                _inserts[table] = cmd;
            }
        }

        public override void Add(string table, params object?[] values)
        {
            var cmd = _inserts[table];
            // EF Core's SQLite provider stores a Guid as upper-case text; the rows must read back as the services' own.
            for (var i = 0; i < values.Length; i++)
                cmd.Parameters[i].Value = values[i] switch { null => DBNull.Value, Guid g => g.ToString().ToUpperInvariant(), var v => v };
            cmd.ExecuteNonQuery();
        }

        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

        public override ValueTask DisposeAsync()
        {
            foreach (var cmd in _inserts.Values) cmd.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresRows(NpgsqlConnection connection) : BulkRows
    {
        private readonly Dictionary<string, List<object?[]>> _pending = Tables.ToDictionary(t => t.Table, _ => new List<object?[]>());
        private readonly Dictionary<string, NpgsqlDbType[]> _types = [];

        public override void Add(string table, params object?[] values) => _pending[table].Add(values);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public override async Task FlushAsync(CancellationToken ct)
        {
            foreach (var (table, columns) in Tables)
            {
                var rows = _pending[table];
                if (rows.Count == 0) continue;
                var types = await TypesAsync(table, columns, ct);
                await using (var import = await connection.BeginBinaryImportAsync(
                    $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)", ct))
                {
                    foreach (var row in rows)
                    {
                        await import.StartRowAsync(ct);
                        for (var i = 0; i < row.Length; i++) await WriteAsync(import, row[i], types[i], ct);
                    }
                    await import.CompleteAsync(ct);
                }
                rows.Clear();
            }
        }

        /// <summary>Binary COPY takes each value in exactly its column's type (an int for a bigint column is refused).</summary>
        private static Task WriteAsync(NpgsqlBinaryImporter import, object? value, NpgsqlDbType type, CancellationToken ct) => value switch
        {
            null => import.WriteNullAsync(ct),
            _ when type == NpgsqlDbType.Bigint => import.WriteAsync(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), type, ct),
            _ when type == NpgsqlDbType.Smallint => import.WriteAsync(Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture), type, ct),
            int i => import.WriteAsync(i, type, ct),
            long l => import.WriteAsync(l, type, ct),
            bool b => import.WriteAsync(b, type, ct),
            string s => import.WriteAsync(s, type, ct),
            DateOnly d => import.WriteAsync(d, type, ct),
            DateTime t => import.WriteAsync(t, type, ct),
            Guid g => import.WriteAsync(g, type, ct),
            _ => throw new NotSupportedException($"Bulk seeding does not write {value.GetType().Name} values."),
        };

        private async Task<NpgsqlDbType[]> TypesAsync(string table, string[] columns, CancellationToken ct)
        {
            if (_types.TryGetValue(table, out var known)) return known;
            var byColumn = new Dictionary<string, string>();
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table";
                cmd.Parameters.AddWithValue("table", table);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) byColumn[reader.GetString(0)] = reader.GetString(1);
            }
            return _types[table] = columns.Select(c => byColumn[c] switch
            {
                "integer" => NpgsqlDbType.Integer,
                "bigint" => NpgsqlDbType.Bigint,
                "smallint" => NpgsqlDbType.Smallint,
                "boolean" => NpgsqlDbType.Boolean,
                "date" => NpgsqlDbType.Date,
                "uuid" => NpgsqlDbType.Uuid,
                "timestamp with time zone" => NpgsqlDbType.TimestampTz,
                "timestamp without time zone" => NpgsqlDbType.Timestamp,
                "character varying" => NpgsqlDbType.Varchar,
                "text" => NpgsqlDbType.Text,
                var other => throw new NotSupportedException($"Bulk seeding does not write {table}.{c} of type {other}."),
            }).ToArray();
        }
    }
}
