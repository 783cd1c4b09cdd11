using System.Data.Common;
using System.Text.Json;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Seeding;
using CorePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CorePortal.Tests.Clients;

/// <summary>
/// The search's statements as each engine plans them over a realistic studio: a few thousand clients made by the bulk seeder,
/// with the planner's statistics gathered (ANALYZE), as a studio's database has them. A planner picks a scan for a tiny table
/// whatever its indexes, so a handful of clients would prove nothing on PostgreSQL.
/// </summary>
public sealed class ClientSearchPlanTests(ClientSearchPlanTests.Studio studio) : IClassFixture<ClientSearchPlanTests.Studio>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class Studio : IAsyncLifetime, IDisposable
    {
        public TestDatabase Db { get; } = new();

        public async ValueTask InitializeAsync()
        {
            var clock = FixedClock.At(2026, 11, 23);
            using var builder = new StudioBuilder(Db, clock);
            await builder.WithLocationAsync();
            await builder.PackageAsync("Ten visits", 10);
            await builder.ClientAsync("Maya", "Chen", "+1 415-555-0101", "CP100001");
            await new BulkSeeder(Db, clock).AddClientsAsync(3_000, 16, null, TestContext.Current.CancellationToken);
            await using var connection = await OpenAsync(Db);
            await using var analyze = connection.CreateCommand();
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public void Dispose() => Db.Dispose();
    }

    private static async Task<DbConnection> OpenAsync(TestDatabase db)
    {
        DbConnection connection = db.Engine == DatabaseEngine.Postgres ? new NpgsqlConnection(db.ConnectionString) : new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Every statement the service runs, for every query kind: the Clients page and staff API read a page and then
    /// count the matches; the picker (New Sale, sharing, booking) reads its short list; Enter on the Clients page looks up a barcode.</summary>
    public static TheoryData<string, string> EveryStatement()
    {
        var data = new TheoryData<string, string>();
        foreach (var statement in new[] { "page", "count", "picker" })
            foreach (var query in new[] { "maya", "maya chen", "chen maya", "maya.chen@exa", "+1 415-555-0101", "0101", "CP100001" })
                data.Add(statement, query);
        data.Add("barcode", "CP100001");
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatement))]
    public async Task Every_search_is_answered_from_indexes_never_a_scan_of_all_clients(string statement, string query)
    {
        var filter = ClientSearchService.Filter(query);
        var sql = statement switch
        {
            "page" => ClientSearchService.PageSql(filter, 1, ClientSearchService.DefaultPageSize),
            "count" => ClientSearchService.CountSql(filter),
            "picker" => ClientSearchService.OptionsSql(filter),
            _ => ClientSearchService.BarcodeSql(filter, query),
        };
        await using var connection = await OpenAsync(studio.Db);

        if (studio.Db.Engine == DatabaseEngine.Postgres)
        {
            await using var explain = filter.Command(connection, "EXPLAIN (FORMAT JSON) " + sql);
            using var json = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(Ct))!);
            var nodes = Nodes(json.RootElement[0].GetProperty("Plan")).ToList();

            Assert.Contains(nodes, n => n.Index?.StartsWith("IX_Clients_", StringComparison.Ordinal) == true);
            Assert.DoesNotContain(nodes, n => n.Type == "Seq Scan" && n.Relation == "Clients");
            return;
        }

        await using var cmd = filter.Command(connection, "EXPLAIN QUERY PLAN " + sql);
        var plan = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) plan.Add(reader.GetString(3));

        Assert.Contains(plan, step => step.Contains("INDEX", StringComparison.Ordinal));
        // Only a scan of the clients (c) fails: the count reads back its own capped subquery (at most 1,001 rows the indexes
        // found), and the page may walk the studio's few locations (l) first.
        Assert.DoesNotContain(plan, step => step == "SCAN c" || step.StartsWith("SCAN c ", StringComparison.Ordinal) || step.StartsWith("SCAN Clients", StringComparison.Ordinal));
    }

    private sealed record PlanNode(string Type, string? Relation, string? Index);

    private static IEnumerable<PlanNode> Nodes(JsonElement node)
    {
        yield return new PlanNode(node.GetProperty("Node Type").GetString()!,
            node.TryGetProperty("Relation Name", out var relation) ? relation.GetString() : null,
            node.TryGetProperty("Index Name", out var index) ? index.GetString() : null);
        if (node.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                foreach (var n in Nodes(child))
                    yield return n;
    }
}
