using Bunit;
using CorePortal.Components.Pages.Reports;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using MudBlazor;

namespace CorePortal.Tests.Reports;

public sealed class UsageReportTests : ReportComponentTest
{
    private static readonly ReportRange November = new(new DateOnly(2026, 11, 2), ReportsFixture.Today);

    public override async ValueTask InitializeAsync()
    {
        using var studio = new StudioBuilder(Database, Clock);
        await ReportsFixture.BuildAsync(studio);
    }

    [Fact]
    public void The_chart_gets_one_bar_series_per_measure_with_each_weeks_figures()
    {
        var cut = Render<UsageReport>(p => p.Add(r => r.Range, November));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindComponent<MudChart<double>>().Instance.ChartLabels?.Length));
        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(ChartType.Bar, chart.ChartType);
        Assert.Equal(["2 Nov", "9 Nov", "16 Nov"], chart.ChartLabels);
        // The hand-worked weeks of ReportsFixture.
        Assert.Equal(
            ["Granted: 10 0 0", "Used: 3 2 0", "Refunded: 0 0 1", "Adjusted: 0 0 1", "Expired: 0 8 0", "Forfeited: 0 0 0"],
            chart.ChartSeries!.Select(s => $"{s.Name}: {string.Join(' ', Enumerable.Range(0, s.Data.Count).Select(i => s.Data[i].Y))}"));
    }

    [Fact]
    public void Clicking_a_figure_in_the_table_lists_the_ledger_rows_behind_it()
    {
        var cut = Render<UsageReport>(p => p.Add(r => r.Range, November));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=usage-table] tbody tr").Count));

        // Week of 16 Nov, Refunded (the fourth column: week, granted, used, refunded).
        cut.FindAll("[data-testid=usage-table] tbody tr")[2].QuerySelectorAll("td")[3].QuerySelector("a, .mud-link")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("Refunded in the week of 16 Nov 2026 (1 ledger rows)", cut.Find("[data-testid=usage-drill]").TextContent, StringComparison.Ordinal));
        Assert.Contains(ReportsFixture.RefundNote, cut.Find("[data-testid=usage-drill]").TextContent, StringComparison.Ordinal);
    }
}
