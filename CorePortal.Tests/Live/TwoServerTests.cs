using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static CorePortal.Tests.Live.LiveWorld;

namespace CorePortal.Tests.Live;

/// <summary>Two app instances over one database file, joined by a real redis-server.</summary>
public sealed class TwoServerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_booking_on_server_A_reaches_a_hub_client_and_a_feed_listener_on_server_B_exactly_once()
    {
        redis.SkipIfUnavailable();
        await using var a = new KestrelPortal { Settings = { ["ConnectionStrings:Redis"] = redis.ConnectionString } }.Start();
        // Started after A has migrated and seeded the file, so B finds it populated and seeds nothing.
        await using var b = new KestrelPortal
        {
            Settings = { ["ConnectionStrings:Redis"] = redis.ConnectionString, ["ConnectionStrings:Core"] = $"Data Source={a.DatabasePath}" },
        }.Start();
        var target = await BookableAsync(a.Services);
        await using var hubOnB = await b.HubAsync(DemoUsers.Staff);
        var hubEvents = new Received(hubOnB);
        await hubOnB.InvokeAsync("JoinClient", target.ClientId);
        var feedOnA = new Received(a.Services.GetRequiredService<BalanceFeed>(), out var subscriptionOnA);
        var feedOnB = new Received(b.Services.GetRequiredService<BalanceFeed>(), out var subscriptionOnB);
        using (subscriptionOnA)
        using (subscriptionOnB)
        {
            var first = await BookAsync(a.Services, target);
            var firstEvent = await hubEvents.WaitForAsync(e => e.PeriodId == first.PeriodId);
            // A second change from the same pool arrives after the first everywhere: by then a duplicate would have too.
            var second = await BookAsync(a.Services, await BookableAsync(a.Services));
            bool IsSecond(BalanceChanged e) => e.PeriodId == second.PeriodId && e.Used == firstEvent.Used + 1;
            await hubEvents.WaitForAsync(IsSecond);
            await feedOnB.WaitForAsync(IsSecond);
            await feedOnA.WaitForAsync(IsSecond);

            bool IsFirst(BalanceChanged e) => e.PeriodId == first.PeriodId && e.Used == firstEvent.Used;
            Assert.Single(hubEvents.Events, IsFirst);
            Assert.Single(feedOnB.Events, IsFirst);
            Assert.Single(feedOnA.Events, IsFirst);
            Assert.Equal(first.Remaining, firstEvent.Remaining);
        }
    }
}
