using Bunit;
using CorePortal.Components.Pages.Reports;
using CorePortal.Data;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Reports;

public sealed class LiabilityReportTests : ReportComponentTest
{
    // 12 unlimited memberships sold on 1..12 Nov (a sale starts the day it is made): the one starting 1 Nov ends first (31 Jan 2027, 70 days left).
    public override async ValueTask InitializeAsync()
    {
        using var studio = new StudioBuilder(Database, Clock);
        await studio.WithLocationAsync();
        var unlimited = await studio.MembershipAsync("Unlimited Monthly", null);
        for (var i = 1; i <= 12; i++)
            await studio.SellAsync(unlimited, await studio.ClientAsync($"Member{i:00}", "Stone"), new DateOnly(2026, 11, i));
    }

    [Fact]
    public void Unlimited_purchases_come_from_the_server_a_page_at_a_time_soonest_ending_first()
    {
        var cut = Render<LiabilityReport>(p => p.Add(r => r.Day, ReportsFixture.Today));

        // The pager renders after the rows it counts (at once on SQLite, whose driver completes synchronously; a render later on
        // PostgreSQL): wait for both.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(10, cut.FindAll("[data-testid=unlimited-table] tbody tr").Count);
            Assert.Contains("1-10 of 12", cut.Find("[data-testid=unlimited-table] .mud-table-pagination").TextContent, StringComparison.Ordinal);
        });
        Assert.StartsWith("Member01 Stone", cut.FindAll("[data-testid=unlimited-table] tbody tr")[0].TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=unlimited-table] button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(2, cut.FindAll("[data-testid=unlimited-table] tbody tr").Count);
            Assert.Contains("11-12 of 12", cut.Find("[data-testid=unlimited-table] .mud-table-pagination").TextContent, StringComparison.Ordinal);
        });
        Assert.Equal(["Member11 Stone", "Member12 Stone"], cut.FindAll("[data-testid=unlimited-table] tbody tr").Select(r => r.QuerySelector("td")!.TextContent));
    }

    [Fact]
    public async Task The_service_reads_only_the_page_asked_for_and_counts_them_all()
    {
        var reports = Services.GetRequiredService<ReportsService>();
        var manager = TestUsers.Manager;

        var second = (await reports.UnlimitedPageAsync(manager, ReportsFixture.Today, skip: 10, take: 10)).Value!;
        Assert.Equal(["Member11 Stone", "Member12 Stone"], second.Rows.Select(r => r.Owner));
        Assert.Equal(12, second.Total);
        var pastTheEnd = (await reports.UnlimitedPageAsync(manager, ReportsFixture.Today, skip: 20, take: 10)).Value!;
        Assert.Equal((0, 12), (pastTheEnd.Rows.Count, pastTheEnd.Total));
        // Before any of them was sold there were none; at the end of 5 Nov, the five sold by then.
        Assert.Equal(0, (await reports.UnlimitedPageAsync(manager, new DateOnly(2026, 10, 31), 0, 10)).Value!.Total);
        Assert.Equal(5, (await reports.UnlimitedPageAsync(manager, new DateOnly(2026, 11, 5), 0, 10)).Value!.Total);
    }
}
