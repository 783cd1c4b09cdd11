using System.Diagnostics;
using System.Globalization;

namespace CorePortal.Benchmarks;

public sealed record BenchmarkOptions(int Clients = 100_000, int SearchQueries = 200, int SearchWarmup = 20, int PoolCredits = 2_000, string? OutFile = null, string? DatabasePath = null);

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
            rows.AddRange(await ReportsScenario.RunAsync(host));

            rows.Add(new ResultRow("live update to SignalR clients", "not measured", null, null, null, "", null,
                "not built yet: needs the app on Kestrel and signed-in hub connections"));
            rows.Add(new ResultRow("client profile page weight", "not measured", null, null, null, "", null, "not built yet"));
            rows.Add(new ResultRow("memory per Blazor circuit", "not measured", null, null, null, "", null, "not built yet"));
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            rows.Add(new ResultRow("memory: working set after scenarios", $"{self.WorkingSet64 / (1024.0 * 1024):F0} MB", null, null, null, "", null,
                "this process: the app's services in-process, no Kestrel or circuits"));

            return new BenchmarkReport(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                $"{Environment.ProcessorCount} vCPU, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}", options.Clients, rows, failed);
        }
        finally
        {
            if (folder is not null)
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort on a temp folder
        }
    }
}
