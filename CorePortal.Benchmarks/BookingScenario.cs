using System.Collections.Concurrent;
using System.Diagnostics;
using CorePortal.Features.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// Bookings against one shared pool from 1 and from 8 concurrent bookers, until the pool refuses: through
/// BookingService.BookAsync, by hand as raw statements in one transaction (BEGIN IMMEDIATE on SQLite), and the physical
/// floor (one conditional debit plus one ledger insert). Each run gets its own fresh pool on the same file; the three
/// ways run in turn for several rounds and each reports its median round.
/// </summary>
public static class BookingScenario
{
    public sealed record Run(string Name, int Bookers, double PerSecond, double P50, double P99, int Succeeded, List<string> FailedChecks);

    private const int Rounds = 3;

    private static Run Median(List<Run> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2);

    public static async Task<(List<ResultRow> Rows, List<string> FailedChecks)> RunAsync(BenchHost host, int credits)
    {
        var rows = new List<ResultRow>();
        var failed = new List<string>();
        // Warm-up on small throwaway pools: JIT and EF's query compilation are not what this measures.
        foreach (var book in new Func<BenchHost, BookingPool, int, Task<bool>>[] { ServiceBookAsync, RawBooking.BookAsync, RawBooking.FloorAsync })
            await DrainAsync(host, "warmup", 2, 20, book);
        foreach (var bookers in new[] { 1, 8 })
        {
            // Rounds of service, raw, floor in turn, so a noisy spell on the shared machine hits all three ways alike;
            // each way reports its median round.
            var rounds = new List<Run>[] { [], [], [] };
            for (var round = 0; round < Rounds; round++)
            {
                rounds[0].Add(await DrainAsync(host, "service", bookers, credits, ServiceBookAsync));
                rounds[1].Add(await DrainAsync(host, "raw", bookers, credits, RawBooking.BookAsync));
                rounds[2].Add(await DrainAsync(host, "floor", bookers, credits, RawBooking.FloorAsync));
            }
            var (service, raw, floor) = (Median(rounds[0]), Median(rounds[1]), Median(rounds[2]));
            failed.AddRange(rounds.SelectMany(r => r).SelectMany(run => run.FailedChecks.Select(f => $"{run.Name} x{bookers}: {f}")));
            foreach (var run in new[] { service, raw, floor })
            {
                var failures = rounds.SelectMany(r => r).Where(r => r.Name == run.Name).SelectMany(r => r.FailedChecks).ToList();
                var checks = failures.Count == 0
                    ? $"checks ok in all {Rounds} rounds (pool 0, no over-spend, ledger agrees); the median of {Rounds} interleaved rounds"
                    : "CHECKS FAILED: " + string.Join("; ", failures);
                var (baseline, ratio) = run == service
                    ? ($"raw booking {Stats.N(raw.PerSecond)}/s; floor {Stats.N(floor.PerSecond)}/s", service.PerSecond / raw.PerSecond)
                    : run == raw ? ($"floor {Stats.N(floor.PerSecond)}/s", raw.PerSecond / floor.PerSecond) : ("", (double?)null);
                rows.Add(new ResultRow($"booking {run.Name}, {bookers} booker{(bookers > 1 ? "s" : "")}{SearchScenario.EngineSuffix(host)}",
                    $"{Stats.N(run.PerSecond)} bookings/s ({run.Succeeded} booked)", run.P50, null, run.P99, baseline, ratio, checks));
            }
        }
        return (rows, failed);
    }

    private static async Task<bool> ServiceBookAsync(BenchHost host, BookingPool pool, int sessionId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(BenchUsers.Staff, sessionId, pool.ClientId, pool.PurchaseId, null);
        return result.Succeeded;
    }

    /// <summary>Bookers take the next session in turn and book it; each stops at its first refusal (the pool is empty).</summary>
    private static async Task<Run> DrainAsync(BenchHost host, string name, int bookers, int credits, Func<BenchHost, BookingPool, int, Task<bool>> book)
    {
        var pool = await BookingPool.CreateAsync(host, $"{name}-{bookers}-{Guid.NewGuid():N}"[..24], credits);
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var succeeded = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, bookers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= pool.SessionIds.Count) return;
                var started = Stopwatch.GetTimestamp();
                var ok = await book(host, pool, pool.SessionIds[i]);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok) return;
                Interlocked.Increment(ref succeeded);
            }
        })));
        var seconds = watch.Elapsed.TotalSeconds;
        var failed = await pool.CheckAsync(host, succeeded, expectBookings: name != "floor");
        var all = latencies.ToList();
        return new Run(name, bookers, succeeded / seconds, Stats.Percentile(all, 50), Stats.Percentile(all, 99), succeeded, failed);
    }
}
