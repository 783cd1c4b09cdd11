using System.Diagnostics;
using CorePortal.Features.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// Each tab of the Reports page as it loads, through ReportsService (a fresh scope per call, like a page): the remaining
/// credits today and 30 days ago (figures plus the first page of unlimited purchases), usage, adjustments and sharing over
/// 8 weeks. The first call is timed apart: it is the one that works a day's figures out and keeps them.
/// </summary>
public static class ReportsScenario
{
    private const double TargetMs = 300;
    public static async Task<List<ResultRow>> RunAsync(BenchHost host, int runs = 20, int warmup = 3)
    {
        await using (var db = host.CreateDbContext())
        await using (var tx = await db.BeginWriteAsync())
        {
            await db.LiabilitySnapshots.ExecuteDeleteAsync(); // start cold: the first call below works the days out from the ledger
            await tx.CommitAsync();
        }
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var range = new ReportRange(today.AddDays(-7 * 8 + 1), today);
        var tabs = new (string Name, Func<ReportsService, Task> Load)[]
        {
            ("remaining credits today", r => LiabilityTabAsync(r, today)),
            ("remaining credits 30 days ago", r => LiabilityTabAsync(r, today.AddDays(-30))),
            ("unlimited purchases, page 101 (10 a page)", r => r.UnlimitedPageAsync(BenchUsers.Manager, today, 1_000, 10)),
            ("usage over 8 weeks", r => r.UsageAsync(BenchUsers.Manager, range)),
            ("adjustments over 8 weeks", async r => { await r.AdjustersAsync(BenchUsers.Manager, range); await r.AdjustmentRowsAsync(BenchUsers.Manager, range); }),
            ("sharing over 8 weeks", r => r.SharingAsync(BenchUsers.Manager, range)),
        };
        var rows = new List<ResultRow>();
        foreach (var (name, load) in tabs)
        {
            var times = new List<double>();
            var cpuAtStart = TimeSpan.Zero;
            for (var i = 0; i < warmup + runs; i++)
            {
                if (i == warmup) cpuAtStart = CpuTime();
                var watch = Stopwatch.StartNew();
                await using (var scope = host.Services.CreateAsyncScope())
                    await load(scope.ServiceProvider.GetRequiredService<ReportsService>());
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            // CPU time of the whole process per call: what a call costs whatever else the machine is doing, unlike its wall time.
            var cpuMs = (CpuTime() - cpuAtStart).TotalMilliseconds / runs;
            var measured = times.Skip(warmup).ToList();
            var p95 = Stats.Percentile(measured, 95);
            rows.Add(new ResultRow($"report: {name}", $"{runs} runs after {warmup} warm-up", Stats.Percentile(measured, 50), p95, null,
                $"first call {times[0]:F0} ms; CPU {cpuMs:F1} ms per call", null, $"target p95 <= {TargetMs:F0} ms: {(p95 <= TargetMs ? "met" : "missed")}"));
        }
        return rows;
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task LiabilityTabAsync(ReportsService reports, DateOnly day)
    {
        await reports.LiabilityAsync(BenchUsers.Manager, day);
        await reports.UnlimitedPageAsync(BenchUsers.Manager, day, 0, 10);
    }
}
