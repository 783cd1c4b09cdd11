using System.Net;
using System.Net.Http.Headers;
using CorePortal.Features;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using CorePortal.Tests.Live;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace CorePortal.Tests.Chain;

/// <summary>
/// Redis down when a server starts, and lost mid-run (a real redis-server, killed and started again on its port): a
/// server carries on alone, says so in its log and as Degraded on /health/ready, and joins the others again when Redis
/// is back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RedisFaultTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_server_started_while_Redis_is_down_signs_people_in_shows_pages_books_and_updates_its_screens_then_recovers_when_Redis_comes_up()
    {
        await using var redis = RedisServerFixture.NotStarted();
        redis.SkipIfUnavailable();
        var log = new LogLines();
        await using var app = Server(redis, log).Start();

        Assert.Equal("Degraded", await ReadyAsync(app));
        await log.WaitForAsync("Redis is unreachable");

        // Signing in needs a Data Protection key: none can be read from Redis, so one is made and kept on this server.
        var token = await TokenAsync(app);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(app, token, "/api/locations"));
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, "/clients", app.BaseUrl); // the page's circuit came up
        await page.Context.CloseAsync();

        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var target = await studio.BookableAsync();
        await using var hub = await app.HubAsync(DemoUsers.Staff);
        var events = new Received(hub);
        await hub.InvokeAsync("JoinLocation", target.LocationId);
        var booked = await studio.BookAsync(target);
        Assert.Equal(booked.Remaining, (await events.WaitForAsync(e => e.PeriodId == booked.PeriodId)).Remaining);

        await redis.StartAsync();
        await WaitForReadyAsync(app, "Healthy");
        await log.WaitForAsync("Redis is reachable again");
        // The key made without Redis is handed to it, so a server that joins now accepts what this one signed meanwhile.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await WaitUntilAsync(async () => await connection.GetDatabase().ListLengthAsync(ChainSetup.KeyRingKey) > 0, "the key reached Redis");
        await using var other = Server(redis, null, app).Start();
        Assert.Equal(HttpStatusCode.OK, await GetAsync(other, token, "/api/locations"));
    }

    [Fact]
    public async Task When_Redis_is_lost_mid_run_each_server_keeps_booking_and_updating_its_own_screens_and_updates_cross_servers_again_when_it_returns()
    {
        await using var redis = new RedisServerFixture();
        await redis.InitializeAsync();
        redis.SkipIfUnavailable();
        var log = new LogLines();
        await using var a = Server(redis, log).Start();
        await using var b = Server(redis, null, a).Start();
        Assert.Equal("Healthy", await ReadyAsync(a));
        Assert.Equal("Healthy", await ReadyAsync(b));

        using var studio = await new StudioBuilder(a.Services).AtFirstLocationAsync();
        var bookables = await StudioBuilder.InTurnAsync(Enumerable.Range(0, 3), _ => studio.BookableAsync());
        await using var hubOnA = await a.HubAsync(DemoUsers.Staff);
        await using var hubOnB = await b.HubAsync(DemoUsers.Staff);
        var onA = new Received(hubOnA);
        var onB = new Received(hubOnB);
        await hubOnA.InvokeAsync("JoinLocation", bookables[0].LocationId);
        await hubOnB.InvokeAsync("JoinLocation", bookables[0].LocationId);
        var before = await studio.BookAsync(bookables[0]);
        await onB.WaitForAsync(e => e.PeriodId == before.PeriodId);

        await redis.StopAsync();
        await WaitForReadyAsync(a, "Degraded");
        await WaitForReadyAsync(b, "Degraded");
        await log.WaitForAsync("Redis is unreachable");
        // Alone, A still signs people in (its key ring is in memory), opens hub connections and updates its screens.
        var token = await TokenAsync(a);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(a, token, "/api/locations"));
        await using var lateOnA = await a.HubAsync(DemoUsers.Staff);
        var onLate = new Received(lateOnA);
        await lateOnA.InvokeAsync("JoinLocation", bookables[1].LocationId);
        var during = await studio.BookAsync(bookables[1]);
        await onA.WaitForAsync(e => e.PeriodId == during.PeriodId);
        await onLate.WaitForAsync(e => e.PeriodId == during.PeriodId);

        await redis.StartAsync();
        await WaitForReadyAsync(a, "Healthy");
        await WaitForReadyAsync(b, "Healthy");
        await log.WaitForAsync("Redis is reachable again");
        var after = await studio.BookAsync(bookables[2]);
        await onB.WaitForAsync(e => e.PeriodId == after.PeriodId);
        await onA.WaitForAsync(e => e.PeriodId == after.PeriodId);
        Assert.Single(onA.Events, e => e.PeriodId == after.PeriodId);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(b, token, "/api/locations"));
    }

    // A second server shares the first one's database; each keeps its own copy of the key ring.
    private static KestrelPortal Server(RedisServerFixture redis, LogLines? log, KestrelPortal? first = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["DataProtection:KeyRingCache"] = Directory.CreateTempSubdirectory("coreportal-keyring-").FullName,
            ["Auth:SignInsPerMinute"] = "100",
        };
        return first is null
            ? new KestrelPortal { GeneratedClients = 0, Log = log, Settings = settings }
            : new KestrelPortal { GeneratedClients = 0, Log = log, Settings = settings, Engine = first.Engine, DatabaseConnection = first.DatabaseConnection };
    }

    private static async Task<string> TokenAsync(KestrelPortal app)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        return (await ApiApp.LoginAsync(http, DemoUsers.Staff)).AccessToken;
    }

    private static async Task<HttpStatusCode> GetAsync(KestrelPortal app, string token, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }

    private static async Task<string> ReadyAsync(KestrelPortal app)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var response = await http.GetAsync("/health/ready");
        return $"{await response.Content.ReadAsStringAsync()}{(response.IsSuccessStatusCode ? "" : $" ({(int)response.StatusCode})")}";
    }

    private static Task WaitForReadyAsync(KestrelPortal app, string status) =>
        WaitUntilAsync(async () => await ReadyAsync(app) == status, $"/health/ready answered {status}");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not within 30 s: {what}.");
            await timer.WaitForNextTickAsync();
        }
    }
}
