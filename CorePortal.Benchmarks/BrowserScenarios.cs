namespace CorePortal.Benchmarks;

/// <summary>The scenarios that need Chromium (page weight, memory per circuit), sharing one browser.</summary>
public static class BrowserScenarios
{
    public static async Task<(List<ResultRow> Rows, List<string> FailedChecks)> RunAsync(BenchHost host, AppServer app, BenchmarkOptions options)
    {
        await using var browser = await BenchBrowser.LaunchAsync(app.BaseUrl);
        if (browser is null)
            return ([new ResultRow("client profile page weight", "not measured", null, null, null, "", null, BenchBrowser.Missing),
                     new ResultRow("memory per idle Blazor circuit", "not measured", null, null, null, "", null, BenchBrowser.Missing)],
                    [BenchBrowser.Missing]);
        var rows = await PageWeightScenario.RunAsync(host, app, browser, options.Visits, options.ProfileOpens);
        var (memoryRows, failed) = await MemoryScenario.CircuitsAsync(app, browser, options.Circuits);
        rows.AddRange(memoryRows);
        return (rows, failed);
    }
}
