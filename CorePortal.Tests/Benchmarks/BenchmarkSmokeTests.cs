using CorePortal.Benchmarks;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Benchmarks;

/// <summary>The benchmark drives the disk and both cores hard: it runs alone, after the parallel tests, so it cannot slow their timeouts.</summary>
[CollectionDefinition(nameof(BenchmarkSmokeTests), DisableParallelization = true)]
public sealed class BenchmarkCollection;

/// <summary>Runs the benchmark at a tiny scale so its scenarios keep compiling and working; the figures are not checked.</summary>
[Collection(nameof(BenchmarkSmokeTests))]
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Benchmark_runs_every_scenario_at_a_tiny_scale_and_its_checks_hold()
    {
        var report = await BenchmarkRunner.RunAsync(new BenchmarkOptions(Clients: 300, SearchQueries: 20, SearchWarmup: 2, PoolCredits: 40)
        {
            Listeners = [5], LiveBookings = 3, Visits = 12, ProfileOpens = 2, Circuits = 3,
        });

        Assert.Empty(report.FailedChecks);
        var scenarios = report.Rows.Select(r => r.Scenario).ToList();
        foreach (var kind in new[] { "name prefix", "email prefix", "phone digits", "barcode" })
            Assert.Contains($"search: {kind}", scenarios);
        foreach (var way in new[] { "service", "raw", "floor" })
        {
            Assert.Contains($"booking {way}, 1 booker", scenarios);
            Assert.Contains($"booking {way}, 8 bookers", scenarios);
        }
        Assert.Contains("memory: working set after scenarios", scenarios);
        Assert.Contains("screens open while booking: 0", scenarios);
        Assert.Contains("screens open while booking: 100, 20 ms reload each", scenarios);
        Assert.StartsWith("15/15 received", report.Rows.Single(r => r.Scenario == "live update to 5 SignalR clients").Figure, StringComparison.Ordinal);
        foreach (var page in new[] { "client profile, package of 12 visits", "Show Visits, 12 visits" })
            Assert.Contains("KB sent (median of 2", report.Rows.Single(r => r.Scenario == page).Figure, StringComparison.Ordinal);
        Assert.Contains("; 3 circuits opened on the server,", report.Rows.Single(r => r.Scenario == "memory per idle Blazor circuit").Note, StringComparison.Ordinal);
        Assert.Contains("client profile, server render only", scenarios);
        Assert.All(report.Rows.Where(r => r.Scenario.StartsWith("booking", StringComparison.Ordinal)),
            r => Assert.StartsWith("checks ok", r.Note, StringComparison.Ordinal));
        Assert.All(report.Rows.Where(r => r.Scenario.StartsWith("search", StringComparison.Ordinal)),
            r => Assert.EndsWith("20 with hits", r.Figure, StringComparison.Ordinal));
        Assert.Equal(report.Rows.Count, report.Table().Split('\n').Length - 1);
    }

    [Fact]
    [Trait("Engine", "Postgres")]
    public async Task On_postgres_search_and_booking_run_against_their_own_postgres_baselines_and_their_checks_hold()
    {
        PostgresServer.SkipIfUnavailable();
        var connection = PostgresServer.Shared.CreateDatabase();
        try
        {
            var (rows, failed) = await BenchmarkRunner.RunPostgresAsync(new BenchmarkOptions(Clients: 300, SearchQueries: 20, SearchWarmup: 2, PoolCredits: 40)
            {
                Provider = DatabaseEngine.Postgres, PostgresConnection = connection,
            });

            Assert.Empty(failed);
            var scenarios = rows.Select(r => r.Scenario).ToList();
            foreach (var kind in new[] { "name prefix", "email prefix", "phone digits", "barcode" })
                Assert.Contains($"search: {kind} (PostgreSQL)", scenarios);
            foreach (var way in new[] { "service", "raw", "floor" })
            {
                Assert.Contains($"booking {way}, 1 booker (PostgreSQL)", scenarios);
                Assert.Contains($"booking {way}, 8 bookers (PostgreSQL)", scenarios);
            }
            Assert.All(rows.Where(r => r.Scenario.StartsWith("booking", StringComparison.Ordinal)),
                r => Assert.StartsWith("checks ok", r.Note, StringComparison.Ordinal));
            Assert.All(rows.Where(r => r.Scenario.StartsWith("search", StringComparison.Ordinal)),
                r => Assert.EndsWith("20 with hits", r.Figure, StringComparison.Ordinal));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            PostgresServer.Shared.DropDatabase(connection);
        }
    }
}
