using System.Collections.Immutable;
using CorePortal.Data;
using CorePortal.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Live;

/// <summary>One committed change to a period's balance. Max and Remaining are null for unlimited periods.</summary>
public sealed record BalanceChanged(int PurchaseId, int PeriodId, int LocationId, IReadOnlyList<int> ClientIds, int Used, int? Max, int? Remaining);

/// <summary>Carries published changes to every server's feed (Redis when configured); each feed then delivers them locally.</summary>
public interface IBalanceBroadcast
{
    Task SendAsync(BalanceChanged change);
}

/// <summary>
/// The feed of balance changes. Services publish after their transaction commits; components and the hub bridge
/// subscribe to what they show (a client, a purchase, a location) and dispose the subscription when they go away.
/// A publish only hands the change to the queues of the subscriptions keyed to it and returns: no writer waits for
/// a screen (see <see cref="BalanceSubscription"/>). With a broadcast (more than one server) a publish goes only to
/// the broadcast, and each server delivers what it receives back, so every listener gets it once.
/// </summary>
public sealed class BalanceFeed(ILogger<BalanceFeed> log, IBalanceBroadcast? broadcast = null)
{
    private readonly Lock _gate = new();
    // Copy-on-write: delivering reads a snapshot without taking the lock.
    private ImmutableDictionary<BalanceTopic, ImmutableArray<BalanceSubscription>> _byTopic =
        ImmutableDictionary<BalanceTopic, ImmutableArray<BalanceSubscription>>.Empty;
    private int _count;

    /// <summary>
    /// Calls <paramref name="handler"/> with each change to <paramref name="topic"/>, one at a time, off the writer's
    /// path; a subscriber that falls behind gets the latest change of each period. Dispose to stop.
    /// </summary>
    public BalanceSubscription Subscribe(BalanceTopic topic, Func<BalanceChanged, Task> handler)
    {
        var subscription = new BalanceSubscription(this, topic, handler, log);
        lock (_gate)
        {
            _byTopic = _byTopic.SetItem(topic, _byTopic.GetValueOrDefault(topic, []).Add(subscription));
            _count++;
        }
        return subscription;
    }

    public int SubscriberCount => Volatile.Read(ref _count);

    /// <summary>
    /// Publishes one committed change to every listener, on this server and, with a broadcast, on the others. It returns
    /// once the change is handed over (queued here, or sent to the broadcast), never after a listener has run.
    /// </summary>
    public Task PublishAsync(BalanceChanged change)
    {
        if (broadcast is null)
        {
            Deliver(change);
            return Task.CompletedTask;
        }
        return BroadcastAsync(change);
    }

    private async Task BroadcastAsync(BalanceChanged change)
    {
        try
        {
            await broadcast!.SendAsync(change);
        }
        catch (Exception ex)
        {
            // The other servers miss this one; this server's listeners still hear of it.
            log.LogError(ex, "Could not broadcast the change to period {PeriodId}; delivering on this server only", change.PeriodId);
            Deliver(change);
        }
    }

    /// <summary>Queues the change for this server's subscriptions keyed to it; each is keyed to one topic, so each gets it once.</summary>
    public void Deliver(BalanceChanged change)
    {
        var byTopic = _byTopic;
        Offer(byTopic, BalanceTopic.All, change);
        Offer(byTopic, BalanceTopic.Purchase(change.PurchaseId), change);
        Offer(byTopic, BalanceTopic.Location(change.LocationId), change);
        foreach (var clientId in change.ClientIds.Distinct()) Offer(byTopic, BalanceTopic.Client(clientId), change);
    }

    private static void Offer(ImmutableDictionary<BalanceTopic, ImmutableArray<BalanceSubscription>> byTopic, BalanceTopic topic, BalanceChanged change)
    {
        if (!byTopic.TryGetValue(topic, out var subscriptions)) return;
        foreach (var subscription in subscriptions) subscription.Offer(change);
    }

    /// <summary>Reads a period's committed state and publishes it. Call after the transaction commits.</summary>
    public async Task PublishPeriodsAsync(CoreDbContext db, IEnumerable<int> periodIds, CancellationToken ct = default)
    {
        var ids = periodIds.Distinct().ToList();
        var periods = await db.CreditPeriods.AsNoTracking()
            .Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.PurchaseId, p.Purchase!.LocationId, p.Purchase.OwnerClientId, p.UsedCredits, p.MaxCredits })
            .ToListAsync(ct);
        var purchaseIds = periods.Select(p => p.PurchaseId).Distinct().ToList();
        var shared = await db.PurchaseShares.AsNoTracking().Where(PoolRule.AcceptedShare)
            .Where(s => purchaseIds.Contains(s.PurchaseId))
            .Select(s => new { s.PurchaseId, s.ClientId })
            .ToListAsync(ct);
        foreach (var p in periods)
        {
            int[] clients = [p.OwnerClientId, .. shared.Where(s => s.PurchaseId == p.PurchaseId).Select(s => s.ClientId)];
            await PublishAsync(new BalanceChanged(p.PurchaseId, p.Id, p.LocationId, clients, p.UsedCredits, p.MaxCredits, p.MaxCredits - p.UsedCredits));
        }
    }

    internal void Remove(BalanceSubscription subscription)
    {
        lock (_gate)
        {
            var rest = _byTopic[subscription.Topic].Remove(subscription);
            _byTopic = rest.IsEmpty ? _byTopic.Remove(subscription.Topic) : _byTopic.SetItem(subscription.Topic, rest);
            _count--;
        }
    }
}
