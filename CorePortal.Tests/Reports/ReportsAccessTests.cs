using System.Net;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Reports;

public sealed class ReportsAccessTests(PortalFactory app) : IClassFixture<PortalFactory>
{
    public static readonly TheoryData<string> Exports =
    [
        "/exports/reports/liability.csv?day=2026-11-23",
        "/exports/reports/unlimited.csv?day=2026-11-23",
        "/exports/reports/usage.csv?from=2026-10-01&to=2026-11-23",
        "/exports/reports/adjustments.csv?from=2026-10-01&to=2026-11-23",
        "/exports/reports/sharing.csv?from=2026-10-01&to=2026-11-23",
    ];

    [Theory]
    [InlineData(DemoUsers.Trainer)]
    [InlineData(DemoUsers.Staff)]
    public async Task Trainers_and_front_desk_staff_are_refused_the_Reports_page(string user)
    {
        var client = await app.SignedInClientAsync(user);

        var response = await client.GetAsync("/reports");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Access denied", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Trainers_and_front_desk_staff_are_refused_every_report_export(string path)
    {
        foreach (var user in new[] { DemoUsers.Trainer, DemoUsers.Staff })
        {
            var client = await app.SignedInClientAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Managers_and_admins_download_every_report_as_CSV(string path)
    {
        foreach (var user in new[] { DemoUsers.Manager, DemoUsers.Admin })
        {
            var client = await app.SignedInClientAsync(user);
            var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_manager_opens_the_Reports_page()
    {
        var client = await app.SignedInClientAsync(DemoUsers.Manager);

        var response = await client.GetAsync("/reports");

        // Pages are not prerendered here, so the content arrives over the circuit (the browser test reads it).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Access denied", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
