using System.Globalization;
using System.Net;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace CorePortal.Tests.Metrics;

/// <summary>The app with one extra network allowed to scrape, as an operator would configure it.</summary>
public sealed class MetricsApp : PortalFactory
{
    public MetricsApp() => Settings["Metrics:AllowedNetworks:0"] = "10.0.0.0/8";

    /// <summary>GET /metrics as a caller at that address (TestServer has no connection of its own: null is what it gives).</summary>
    public async Task<(int Status, string Body)> ScrapeAsync(IPAddress? caller)
    {
        var context = await Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Connection.RemoteIpAddress = caller;
        });
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, await reader.ReadToEndAsync());
    }

    /// <summary>The sum of a metric's samples whose labels contain the given text (0 when it has none yet).</summary>
    public async Task<double> ValueAsync(string name, string labels = "")
    {
        var (status, body) = await ScrapeAsync(IPAddress.Loopback);
        Assert.Equal(StatusCodes.Status200OK, status);
        return body.Split('\n')
            .Where(line => (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal)) && line.Contains(labels, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Alone: OpenTelemetry's listener hears every meter named CorePortal in the process, and with other test apps' hosts alive at
/// the same time (seen with the Api tests) this app's scrape lacked its own counters. A server runs one app, so this is an
/// effect of many hosts in one test process, not of the product.
/// </summary>
[CollectionDefinition(nameof(MetricsEndpointTests), DisableParallelization = true)]
[Collection(nameof(MetricsEndpointTests))]
public sealed class MetricsEndpointTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task A_loopback_caller_gets_the_metrics_as_prometheus_text()
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        await studio.BookAsync(await studio.BookableAsync());
        await app.ScrapeAsync(IPAddress.Loopback); // a finished request, for ASP.NET Core's own metrics

        var (status, body) = await app.ScrapeAsync(IPAddress.Loopback);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Contains("# TYPE coreportal_bookings_total counter", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE coreportal_db_command_duration_seconds histogram", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE coreportal_outbox_pending gauge", body, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", body, StringComparison.Ordinal); // ASP.NET Core's own
    }

    [Fact]
    public async Task A_booking_counts_once_and_refusals_count_under_their_reason()
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var bookable = await studio.BookableAsync();
        var booked = await app.ValueAsync("coreportal_bookings_total");
        var conflicts = await app.ValueAsync("coreportal_booking_refusals_total", "reason=\"conflict\"");
        var missing = await app.ValueAsync("coreportal_booking_refusals_total", "reason=\"not_found\"");

        await studio.BookAsync(bookable);
        var again = await studio.Bookings.BookAsync(TestUsers.Staff, bookable.SessionId, bookable.ClientId, bookable.PurchaseId, null);
        var noSession = await studio.Bookings.BookAsync(TestUsers.Staff, int.MaxValue, bookable.ClientId, bookable.PurchaseId, null);

        Assert.False(again.Succeeded);
        Assert.False(noSession.Succeeded);
        // Other test classes' apps share this process (and the meter's name), so they may add to the counts too: at least ours.
        Assert.True(await app.ValueAsync("coreportal_bookings_total") >= booked + 1);
        Assert.True(await app.ValueAsync("coreportal_booking_refusals_total", "reason=\"conflict\"") >= conflicts + 1);
        Assert.True(await app.ValueAsync("coreportal_booking_refusals_total", "reason=\"not_found\"") >= missing + 1);
    }

    [Fact]
    public async Task A_request_that_queries_the_database_is_timed()
    {
        var before = await app.ValueAsync("coreportal_db_command_duration_seconds_count");

        using var client = await app.SignedInClientAsync(DemoUsers.Staff); // the sign-in reads the user from the database

        Assert.True(await app.ValueAsync("coreportal_db_command_duration_seconds_count") > before);
    }

    [Theory]
    [InlineData("10.20.30.40")]
    [InlineData("::ffff:10.20.30.40")]
    public async Task A_caller_inside_the_allowed_network_gets_the_metrics(string caller) =>
        Assert.Equal(StatusCodes.Status200OK, (await app.ScrapeAsync(IPAddress.Parse(caller))).Status);

    [Theory]
    [InlineData("192.0.2.7")]
    [InlineData("2001:db8::7")]
    [InlineData(null)]
    public async Task Anyone_else_gets_404_and_no_metrics(string? caller)
    {
        var (status, body) = await app.ScrapeAsync(caller is null ? null : IPAddress.Parse(caller));

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.DoesNotContain("coreportal_", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forwarded_header_does_not_make_an_outside_caller_local()
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Request.Headers["X-Forwarded-For"] = "127.0.0.1";
            c.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        });

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
    }

    [Fact]
    public async Task The_plain_test_client_without_a_remote_address_gets_404()
    {
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }
}
