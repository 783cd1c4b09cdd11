using System.Diagnostics;
using CorePortal.Features.Bookings;
using CorePortal.Features.Live;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// Booking latency through BookingService.BookAsync (1 booker) with no screen open, and with 100 screens subscribed to
/// the pool (half keyed to its owner, half to its purchase) that each take 20 ms to reload. The feed hands changes
/// off, so the screens should cost the writer next to nothing. Rounds alternate; each side reports its median round.
/// </summary>
public static class ScreensScenario
{
    private const int Screens = 100;
    private const int Rounds = 3;
    private static readonly TimeSpan ReloadTime = TimeSpan.FromMilliseconds(20);

    public static async Task<(List<ResultRow> Rows, List<string> FailedChecks)> RunAsync(BenchHost host, int bookings)
    {
        var failed = new List<string>();
        await BookAllAsync(host, 0, 20, failed); // warm-up
        var runs = new List<(double P50, double P99)>[] { [], [] };
        for (var round = 0; round < Rounds; round++)
        {
            runs[0].Add(await BookAllAsync(host, 0, bookings, failed));
            runs[1].Add(await BookAllAsync(host, Screens, bookings, failed));
        }
        var (none, many) = (runs[0].OrderBy(r => r.P99).ElementAt(Rounds / 2), runs[1].OrderBy(r => r.P99).ElementAt(Rounds / 2));
        var ratio = many.P99 / none.P99;
        List<ResultRow> rows =
        [
            new("screens open while booking: 0", $"{bookings} bookings, 1 booker", none.P50, null, none.P99, "", null, $"median p99 of {Rounds} rounds, alternating with the row below"),
            new($"screens open while booking: {Screens}, 20 ms reload each", $"{bookings} bookings, 1 booker", many.P50, null, many.P99, $"p99 with 0 screens {Stats.N(none.P99, "F3")} ms", ratio,
                $"target p99 within 1.2x of none: {(ratio <= 1.2 ? "met" : "MISSED")}; every screen got the last figures"),
        ];
        return (rows, failed);
    }

    private static async Task<(double P50, double P99)> BookAllAsync(BenchHost host, int screens, int bookings, List<string> failed)
    {
        var pool = await BookingPool.CreateAsync(host, $"screens-{screens}-{Guid.NewGuid():N}"[..24], bookings);
        var feed = host.Services.GetRequiredService<BalanceFeed>();
        var lastSeen = new int[screens];
        var subscriptions = Enumerable.Range(0, screens).Select(s => feed.Subscribe(
            s % 2 == 0 ? BalanceTopic.Client(pool.ClientId) : BalanceTopic.Purchase(pool.PurchaseId),
            async change =>
            {
                await Task.Delay(ReloadTime); // the simulated reload
                Volatile.Write(ref lastSeen[s], change.Used);
            })).ToList();
        var latencies = new List<double>(bookings);
        for (var b = 0; b < bookings; b++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var started = Stopwatch.GetTimestamp();
            var result = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(BenchUsers.Staff, pool.SessionIds[b], pool.ClientId, pool.PurchaseId, null);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!result.Succeeded) failed.Add($"screens x{screens}: booking {b} refused: {result.Message}");
        }
        // Each screen coalesces to the latest figures: it must end on the last booking's, within a few reloads.
        var deadline = Stopwatch.StartNew();
        while (lastSeen.Any(u => u != bookings) && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
        if (lastSeen.Any(u => u != bookings)) failed.Add($"screens x{screens}: {lastSeen.Count(u => u != bookings)} screens never showed the last figures");
        subscriptions.ForEach(s => s.Dispose());
        return (Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99));
    }
}
