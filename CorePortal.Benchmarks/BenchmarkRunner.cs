using System.Diagnostics;
using System.Globalization;
using CorePortal.Data;

namespace CorePortal.Benchmarks;

public sealed record BenchmarkOptions(int Clients = 100_000, int SearchQueries = 200, int SearchWarmup = 20, int PoolCredits = 2_000, string? OutFile = null, string? DatabasePath = null)
{
    /// <summary>Hub connections per live-update run; one run each.</summary>
    public IReadOnlyList<int> Listeners { get; init; } = [200, 1_000];
    public int LiveBookings { get; init; } = 50;
    public int Visits { get; init; } = 2_000;
    public int ProfileOpens { get; init; } = 20;
    public int Circuits { get; init; } = 100;
    /// <summary>Postgres: the search and booking scenarios run on PostgreSQL too (<see cref="PostgresConnection"/>), after SQLite's.</summary>
    public DatabaseEngine Provider { get; init; } = DatabaseEngine.Sqlite;
    /// <summary>An Npgsql connection string to an empty database (or one this benchmark seeded before) for the PostgreSQL rows.</summary>
    public string? PostgresConnection { get; init; }
}

/// <summary>Seeds a database at the given scale, runs the scenarios in order and collects one row each.</summary>
public static class BenchmarkRunner
{
    public static async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io); // 8 synchronous raw bookers must not wait on thread injection
        var folder = options.DatabasePath is null ? Directory.CreateTempSubdirectory("coreportal-bench-").FullName : null;
        var path = options.DatabasePath ?? Path.Combine(folder!, "bench.db");
        try
        {
            var rows = new List<ResultRow>();
            var failed = new List<string>();
            var watch = Stopwatch.StartNew();
            log($"Seeding {options.Clients:N0} clients into {path} ...");
            await using var host = await BenchHost.StartAsync(path, options.Clients);
            log($"Seeded in {watch.Elapsed.TotalSeconds:F1} s. Search ...");

            rows.AddRange(await SearchScenario.RunAsync(host, options.SearchQueries, options.SearchWarmup));
            log("Bookings ...");
            var (bookingRows, bookingFailures) = await BookingScenario.RunAsync(host, options.PoolCredits);
            rows.AddRange(bookingRows);
            failed.AddRange(bookingFailures);
            log("Bookings with screens open ...");
            var (screenRows, screenFailures) = await ScreensScenario.RunAsync(host, Math.Min(options.PoolCredits, 500));
            rows.AddRange(screenRows);
            failed.AddRange(screenFailures);
            rows.AddRange(await ReportsScenario.RunAsync(host));

            log("Live updates, page weight and memory, on the app over Kestrel ...");
            await using (var app = AppServer.Start(path))
            {
                var (liveRows, liveFailures) = await LiveScenario.RunAsync(host, app, options.Listeners, options.LiveBookings);
                rows.AddRange(liveRows);
                failed.AddRange(liveFailures);
                var (browserRows, browserFailures) = await BrowserScenarios.RunAsync(host, app, options);
                rows.AddRange(browserRows);
                failed.AddRange(browserFailures);
                rows.Add(MemoryScenario.Process(options.Clients));
            }
            if (options.Provider == DatabaseEngine.Postgres)
            {
                var (pgRows, pgFailures) = await RunPostgresAsync(options, log);
                rows.AddRange(pgRows);
                failed.AddRange(pgFailures);
            }

            return new BenchmarkReport(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                $"{Environment.ProcessorCount} vCPU, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}", options.Clients, rows, failed);
        }
        finally
        {
            if (folder is not null)
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort on a temp folder
        }
    }

    /// <summary>
    /// The search and booking scenarios on PostgreSQL, each against its own hand-written baseline on PostgreSQL: the same
    /// scale, seeded by the app's bulk seeder into the database <see cref="BenchmarkOptions.PostgresConnection"/> names.
    /// </summary>
    public static async Task<(List<ResultRow> Rows, List<string> FailedChecks)> RunPostgresAsync(BenchmarkOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        var connection = options.PostgresConnection ?? throw new ArgumentException("--provider Postgres needs --pg \"Host=…;Database=…;Username=…\"");
        var watch = Stopwatch.StartNew();
        log($"Seeding {options.Clients:N0} clients into PostgreSQL ...");
        await using var host = await BenchHost.StartAsync(DatabaseEngine.Postgres, connection, options.Clients);
        log($"Seeded in {watch.Elapsed.TotalSeconds:F1} s. Search on PostgreSQL ...");
        var rows = await SearchScenario.RunAsync(host, options.SearchQueries, options.SearchWarmup);
        log("Bookings on PostgreSQL ...");
        var (bookingRows, failed) = await BookingScenario.RunAsync(host, options.PoolCredits);
        rows.AddRange(bookingRows);
        return (rows, failed);
    }
}
