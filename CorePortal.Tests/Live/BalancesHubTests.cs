using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CorePortal.Tests.Live;

public sealed class BalancesHubTests(KestrelPortal app) : IClassFixture<KestrelPortal>
{
    [Fact]
    public async Task A_booking_made_through_the_service_reaches_a_hub_client_listening_to_that_client()
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var target = await studio.BookableAsync();
        await using var hub = await app.HubAsync(DemoUsers.Trainer);
        var received = new Received(hub);
        await hub.InvokeAsync("JoinClient", target.ClientId);

        var receipt = await studio.BookAsync(target);

        var change = await received.WaitForAsync(e => e.PeriodId == receipt.PeriodId);
        Assert.Contains(target.ClientId, change.ClientIds);
        Assert.Equal(receipt.Remaining, change.Remaining);
    }

    [Fact]
    public async Task A_hub_client_listening_to_another_client_receives_nothing_of_this_one()
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var booked = await studio.BookableAsync();
        var other = await studio.BookableAsync();
        Assert.NotEqual(booked.ClientId, other.ClientId);
        await using var hub = await app.HubAsync(DemoUsers.Staff);
        var received = new Received(hub);
        await hub.InvokeAsync("JoinClient", other.ClientId);

        await studio.BookAsync(booked);
        // Events reach a connection in order: once the other client's booking arrives, the first one would have.
        var marker = await studio.BookAsync(other);
        await received.WaitForAsync(e => e.PeriodId == marker.PeriodId);

        Assert.All(received.Events, e => Assert.Contains(other.ClientId, e.ClientIds));
    }

    [Fact]
    public async Task Listening_to_a_client_its_purchase_and_its_location_delivers_each_change_once()
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var target = await studio.BookableAsync();
        await using var hub = await app.HubAsync(DemoUsers.Manager);
        var received = new Received(hub);
        await hub.InvokeAsync("JoinClient", target.ClientId);
        await hub.InvokeAsync("JoinPurchase", target.PurchaseId);
        await hub.InvokeAsync("JoinLocation", target.LocationId);

        var first = await studio.BookAsync(target);
        var firstEvent = await received.WaitForAsync(e => e.PeriodId == first.PeriodId);
        // A second booking from the same pool comes after it on the connection: by then any duplicate would have arrived.
        var second = await studio.BookAsync(await studio.NextClassAsync(target));
        await received.WaitForAsync(e => e.PeriodId == second.PeriodId && e.Used == firstEvent.Used + 1);

        Assert.Single(received.Events, e => e.PeriodId == first.PeriodId && e.Used == firstEvent.Used);
    }

    [Fact]
    public async Task A_member_may_listen_to_their_own_client_and_pool_but_is_refused_someone_elses()
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var mine = await studio.BookableAsync();
        var theirs = await studio.BookableAsync();
        await using var hub = await app.HubAsync(await app.CreateMemberLoginAsync(mine.ClientId));
        var received = new Received(hub);

        await hub.InvokeAsync("JoinClient", mine.ClientId);
        await hub.InvokeAsync("JoinPurchase", mine.PurchaseId);
        var client = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinClient", theirs.ClientId));
        var purchase = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinPurchase", theirs.PurchaseId));
        var location = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinLocation", mine.LocationId));

        Assert.Contains($"You may not listen to client {theirs.ClientId}", client.Message, StringComparison.Ordinal);
        Assert.Contains("purchase", purchase.Message, StringComparison.Ordinal);
        Assert.Contains("location", location.Message, StringComparison.Ordinal);
        var receipt = await studio.BookAsync(mine);
        Assert.Equal(mine.PurchaseId, (await received.WaitForAsync(e => e.PeriodId == receipt.PeriodId)).PurchaseId);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_signed_in_user()
    {
        var anonymous = new HubConnectionBuilder().WithUrl($"{app.BaseUrl}{BalancesHub.Path}").Build();
        await using (anonymous)
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }
}
