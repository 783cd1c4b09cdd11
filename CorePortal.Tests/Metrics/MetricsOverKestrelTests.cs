using System.Globalization;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Metrics;

/// <summary>The app listening on loopback for real: the connection's own address is 127.0.0.1, as for a local scraper.</summary>
public sealed class MetricsOverKestrelTests(KestrelPortal app) : IClassFixture<KestrelPortal>
{
    [Fact]
    public async Task A_scraper_on_loopback_sees_the_open_hub_connections()
    {
        await using var hub = await app.HubAsync(DemoUsers.Staff);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        var body = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        var open = body.Split('\n').Where(l => l.StartsWith("coreportal_hub_connections{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        Assert.True(open >= 1, body);
    }
}
