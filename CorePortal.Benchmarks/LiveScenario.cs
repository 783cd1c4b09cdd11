using System.Diagnostics;
using System.Net;
using CorePortal.Features.Bookings;
using CorePortal.Features.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// Live updates: N real HubConnections to /hubs/balances, signed in as staff with one shared sign-in cookie, half
/// listening to the pool's client and half to its purchase. Bookings are committed one after another through the
/// app's BookingService; each is timed from its transaction commit to the handler running at every listener, on
/// this process's one Stopwatch clock. The next booking waits until every listener has it (or 10 s pass).
/// </summary>
public static class LiveScenario
{
    private const int Warmup = 3;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    public static async Task<(List<ResultRow> Rows, List<string> FailedChecks)> RunAsync(BenchHost host, AppServer app, IReadOnlyList<int> listenerCounts, int bookings)
    {
        var cookies = await app.SignInAsync();
        var rows = new List<ResultRow>();
        var failed = new List<string>();
        foreach (var listeners in listenerCounts)
        {
            var (row, failure) = await RunOnceAsync(host, app, cookies, listeners, bookings);
            rows.Add(row);
            if (failure is not null) failed.Add(failure);
        }
        return (rows, failed);
    }

    private static async Task<(ResultRow Row, string? Failure)> RunOnceAsync(BenchHost host, AppServer app, CookieContainer cookies, int listeners, int bookings)
    {
        var total = Warmup + bookings;
        var pool = await BookingPool.CreateAsync(host, $"live-{listeners}-{Guid.NewGuid():N}"[..24], total);
        // receivedAt[listener * total + booking]: the Stopwatch timestamp at which that listener heard of that booking.
        var receivedAt = new long[listeners * total];
        var heard = new int[total];
        var allHeard = Enumerable.Range(0, total).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var connections = new HubConnection[listeners];
        var connectWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, listeners), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (l, ct) =>
        {
            var connection = new HubConnectionBuilder()
                .WithUrl($"{app.BaseUrl}{BalancesHub.Path}", o =>
                {
                    o.Cookies = cookies;
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            connection.On<BalanceChanged>(BalancesHub.EventName, change =>
            {
                var now = Stopwatch.GetTimestamp();
                var booking = change.Used - 1; // the pool starts unused and bookings are sequential: Used names the booking
                if (change.PurchaseId != pool.PurchaseId || booking < 0 || booking >= total) return;
                Interlocked.CompareExchange(ref receivedAt[l * total + booking], now, 0);
                if (Interlocked.Increment(ref heard[booking]) == listeners) allHeard[booking].TrySetResult();
            });
            await connection.StartAsync(ct);
            await (l % 2 == 0 ? connection.InvokeAsync("JoinClient", pool.ClientId, ct) : connection.InvokeAsync("JoinPurchase", pool.PurchaseId, ct));
            connections[l] = connection;
        });
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;

        var committedAt = new long[total];
        var staff = BenchUsers.Staff;
        for (var b = 0; b < total; b++)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(staff, pool.SessionIds[b], pool.ClientId, pool.PurchaseId, null);
                if (!result.Succeeded) throw new InvalidOperationException($"Live scenario booking {b} was refused: {result.Message}");
            }
            committedAt[b] = app.Commits.LastCommit; // bookings are sequential and nothing else writes: this is its commit
            try { await allHeard[b].Task.WaitAsync(DeliveryTimeout); }
            catch (TimeoutException) { } // counted as missed below
        }

        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, _) => await c.DisposeAsync());

        var latencies = new List<double>(listeners * bookings);
        for (var l = 0; l < listeners; l++)
            for (var b = Warmup; b < total; b++)
                if (receivedAt[l * total + b] is var at and > 0) latencies.Add(Stopwatch.GetElapsedTime(committedAt[b], at).TotalMilliseconds);
        var expected = listeners * bookings;
        var max = latencies.Count == 0 ? double.NaN : latencies.Max();
        var missed = expected - latencies.Count;
        var row = new ResultRow($"live update to {listeners} SignalR clients",
            $"{Stats.N(latencies.Count)}/{Stats.N(expected)} received, max {Stats.N(max, "F1")} ms",
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99), "", null,
            $"{bookings} bookings one after another via BookingService; commit (EF interceptor) to the client's handler, one clock. "
            + $"Clients (WebSockets, one shared staff cookie, connected in {connectSeconds:F1} s) share this process and the 2 cores with the server"
            + (missed == 0 ? "; none missed" : $"; {missed} MISSED"));
        return (row, missed == 0 ? null : $"live x{listeners}: {missed} of {expected} updates not received within {DeliveryTimeout.TotalSeconds:F0} s");
    }
}
