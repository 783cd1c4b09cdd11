using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Live;

/// <summary>
/// How the feed hands changes to subscribers: off the writer's path, one queue each, keyed by what a screen shows,
/// coalescing to the latest figures of each period when a subscriber falls behind.
/// </summary>
public sealed class BalanceFeedDeliveryTests
{
    private readonly BalanceFeed _feed = new(NullLogger<BalanceFeed>.Instance);

    private static BalanceChanged Change(int periodId, int used = 1, int purchaseId = 10, int locationId = 5, params int[] clientIds) =>
        new(purchaseId, periodId, locationId, clientIds.Length == 0 ? [1] : clientIds, used, 10, 10 - used);

    private static TaskCompletionSource Gate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task Publish_returns_while_a_subscriber_is_stuck_and_the_other_subscribers_still_get_the_change()
    {
        var stuck = Gate();
        var entered = Gate();
        using var slow = new FeedProbe(_feed, BalanceTopic.Purchase(10), async _ => { entered.TrySetResult(); await stuck.Task; });
        using var other = new FeedProbe(_feed, BalanceTopic.Client(1));

        var first = _feed.PublishAsync(Change(periodId: 1));
        await entered.Task.WaitAsync(FeedProbe.Patience);
        var second = _feed.PublishAsync(Change(periodId: 2));

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        await other.WaitForAsync(c => c.PeriodId == 1);
        await other.WaitForAsync(c => c.PeriodId == 2);
        Assert.Equal([1], slow.Events.Select(e => e.PeriodId));
        stuck.SetResult();
        await slow.WaitForAsync(c => c.PeriodId == 2);
    }

    [Fact]
    public async Task A_booking_returns_while_a_screen_showing_the_client_is_stuck_reloading()
    {
        using var world = new StudioBuilder();
        await world.WithLocationAsync();
        var maya = await world.ClientAsync("Maya", "Chen");
        var pack = await world.SellAsync(maya, "10-Class Pack", credits: 10);
        var session = await world.SessionAsync("HIIT 45", dayOffset: 1);
        var stuck = Gate();
        using var screen = new FeedProbe(world.Feed, BalanceTopic.Client(maya.Id), _ => stuck.Task);

        var booked = await world.Bookings.BookAsync(TestUsers.Staff, session.Id, maya.Id, pack.Id, null).WaitAsync(FeedProbe.Patience);

        Assert.True(booked.Succeeded, booked.Message);
        Assert.Equal(9, (await screen.WaitForAsync(c => c.PurchaseId == pack.Id)).Remaining);
        stuck.SetResult();
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others_and_keeps_receiving_later_changes()
    {
        using var throwsAtOnce = new FeedProbe(_feed, BalanceTopic.All, _ => throw new InvalidOperationException("listener bug"));
        using var throwsLater = new FeedProbe(_feed, BalanceTopic.All, async _ => { await Task.Yield(); throw new InvalidOperationException("reload failed"); });
        using var healthy = new FeedProbe(_feed, BalanceTopic.All);

        await _feed.PublishAsync(Change(periodId: 1));
        await _feed.PublishAsync(Change(periodId: 2));

        Assert.Equal([1, 2], (await healthy.SettleAsync()).Select(e => e.PeriodId));
        Assert.Equal([1, 2], (await throwsAtOnce.SettleAsync()).Select(e => e.PeriodId));
        Assert.Equal([1, 2], (await throwsLater.SettleAsync()).Select(e => e.PeriodId));
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_gets_the_latest_figures_of_each_period_not_every_one_in_between()
    {
        var stuck = Gate();
        var entered = Gate();
        using var behind = new FeedProbe(_feed, BalanceTopic.Location(5), async c =>
        {
            if (c.Used != 1) return;
            entered.TrySetResult();
            await stuck.Task;
        });
        await _feed.PublishAsync(Change(periodId: 1, used: 1));
        await entered.Task.WaitAsync(FeedProbe.Patience);

        for (var used = 2; used <= 9; used++)
            foreach (var period in new[] { 3, 1, 2 })
                await _feed.PublishAsync(Change(period, used));

        Assert.Equal(3, behind.Subscription.Pending); // one change a period, however many came
        stuck.SetResult();
        var handed = await behind.SettleAsync();
        Assert.Equal([(1, 1), (3, 9), (1, 9), (2, 9)], handed.Select(e => (e.PeriodId, e.Used)));
    }

    [Fact]
    public async Task A_subscriber_behind_on_more_periods_than_the_limit_keeps_the_newest_and_its_queue_stays_bounded()
    {
        var stuck = Gate();
        var entered = Gate();
        using var behind = new FeedProbe(_feed, BalanceTopic.All, async c =>
        {
            if (c.PeriodId != 0) return;
            entered.TrySetResult();
            await stuck.Task;
        });
        await _feed.PublishAsync(Change(periodId: 0));
        await entered.Task.WaitAsync(FeedProbe.Patience);

        var periods = BalanceSubscription.PendingLimit + 100;
        for (var period = 1; period <= periods; period++) await _feed.PublishAsync(Change(period));

        Assert.Equal(BalanceSubscription.PendingLimit, behind.Subscription.Pending);
        stuck.SetResult();
        await behind.WaitForAsync(c => c.PeriodId == periods); // handed over in order: the newest comes last
        Assert.Equal([0, .. Enumerable.Range(101, BalanceSubscription.PendingLimit)], behind.Events.Select(e => e.PeriodId));
    }

    [Fact]
    public async Task Subscriptions_keyed_by_client_purchase_or_location_receive_only_their_changes_and_each_once()
    {
        using var client1 = new FeedProbe(_feed, BalanceTopic.Client(1));
        using var client2 = new FeedProbe(_feed, BalanceTopic.Client(2));
        using var purchase10 = new FeedProbe(_feed, BalanceTopic.Purchase(10));
        using var purchase11 = new FeedProbe(_feed, BalanceTopic.Purchase(11));
        using var location5 = new FeedProbe(_feed, BalanceTopic.Location(5));
        using var location6 = new FeedProbe(_feed, BalanceTopic.Location(6));
        using var all = new FeedProbe(_feed, BalanceTopic.All);

        await _feed.PublishAsync(Change(periodId: 100, purchaseId: 10, locationId: 5, clientIds: [1, 3, 1])); // owner 1, shared with 3
        await _feed.PublishAsync(Change(periodId: 110, purchaseId: 11, locationId: 6, clientIds: [2]));

        (FeedProbe Probe, int[] Periods)[] expected =
        [
            (client1, [100]), (client2, [110]), (purchase10, [100]), (purchase11, [110]),
            (location5, [100]), (location6, [110]), (all, [100, 110]),
        ];
        foreach (var (probe, periods) in expected)
            Assert.Equal(periods, (await probe.SettleAsync()).Select(e => e.PeriodId));
    }

    [Fact]
    public async Task A_disposed_subscription_receives_nothing_more_not_even_what_was_waiting_in_its_queue()
    {
        var stuck = Gate();
        var entered = Gate();
        var finished = Gate();
        var before = _feed.SubscriberCount;
        var leaving = new FeedProbe(_feed, BalanceTopic.Client(1), async c =>
        {
            if (c.PeriodId != 1) return;
            entered.TrySetResult();
            await stuck.Task;
            finished.SetResult();
        });
        using var staying = new FeedProbe(_feed, BalanceTopic.Client(1));
        await _feed.PublishAsync(Change(periodId: 1));
        await entered.Task.WaitAsync(FeedProbe.Patience);
        await _feed.PublishAsync(Change(periodId: 2));
        Assert.Equal(1, leaving.Subscription.Pending);

        leaving.Dispose();
        leaving.Dispose(); // idempotent
        await _feed.PublishAsync(Change(periodId: 3));
        stuck.SetResult();
        await finished.Task.WaitAsync(FeedProbe.Patience);

        Assert.Equal([1, 2, 3], (await staying.SettleAsync()).Select(e => e.PeriodId));
        Assert.Equal(0, leaving.Subscription.Pending);
        Assert.Equal([1], leaving.Events.Select(e => e.PeriodId));
        Assert.Equal(before + 1, _feed.SubscriberCount);
    }
}
