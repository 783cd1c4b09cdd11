using System.Runtime;

namespace CorePortal.Benchmarks;

/// <summary>
/// Memory. Per circuit: N Chromium pages (one signed-in context) each open the Clients page and sit idle once it has
/// listed its first clients; the managed heap and working set of this process after a full GC, before and after, divided
/// by N. The browser and Playwright's driver are other processes; Playwright's small per-page objects are in this heap.
/// Then the process as a whole after the scenarios: it hosts the app on Kestrel and the benchmark's own services.
/// </summary>
public static class MemoryScenario
{
    public static async Task<(List<ResultRow> Rows, List<string> FailedChecks)> CircuitsAsync(AppServer app, BenchBrowser browser, int circuits)
    {
        var first = await browser.SignedInPageAsync("/clients");
        var context = first.Context;
        try
        {
            var openedBefore = app.Circuits.Opened;
            var (heapBefore, setBefore) = Measure();
            var gate = new SemaphoreSlim(4); // pages open a few at a time: the browser shares the 2 cores with the server
            await Task.WhenAll(Enumerable.Range(0, circuits).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var page = await context.NewPageAsync();
                    await page.GotoAsync("/clients");
                    await BenchBrowser.WaitInteractiveAsync(page);
                    await page.GetByTestId("client-results").Locator("a[href^='/clients/']").First.WaitForAsync();
                }
                finally { gate.Release(); }
            }));
            var opened = app.Circuits.Opened - openedBefore;
            var (heapAfter, setAfter) = Measure();
            var heapPer = (heapAfter - heapBefore) / 1024.0 / circuits;
            var setPer = (setAfter - setBefore) / 1024.0 / circuits;
            var row = new ResultRow("memory per idle Blazor circuit", $"{Stats.N(heapPer, "F0")} KB managed heap, {Stats.N(setPer, "F0")} KB working set",
                null, null, null, "", null,
                $"{circuits} Chromium pages idle on /clients (25 clients listed); difference after a full GC, divided by {circuits}; {opened} circuits opened on the server, {app.Circuits.Open} open then");
            return ([row], opened == circuits ? [] : [$"memory: {opened} circuits opened on the server for {circuits} pages"]);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    public static ResultRow Process(int clients)
    {
        var (heap, set) = Measure();
        var info = GC.GetGCMemoryInfo();
        return new ResultRow("memory: working set after scenarios", $"{set / (1024.0 * 1024):F0} MB working set, {heap / (1024.0 * 1024):F0} MB managed heap", null, null, null, "", null,
            $"this process hosts the app on Kestrel (circuits closed, hub clients gone) and the benchmark's own copy of the app's services, over {Stats.N(clients)} clients; "
            + $"GC committed {info.TotalCommittedBytes / (1024.0 * 1024):F0} MB, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
    }

    /// <summary>Managed heap after a full, compacting GC, and the working set then.</summary>
    private static (long Heap, long WorkingSet) Measure()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return (heap, self.WorkingSet64);
    }
}
