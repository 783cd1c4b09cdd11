using System.Collections.Immutable;
using CorePortal.Data;
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
/// subscribe and dispose the subscription when they go away. With a broadcast (more than one server) a publish
/// goes only to the broadcast, and each server delivers what it receives back, so every listener gets it once.
/// </summary>
public sealed class BalanceFeed(ILogger<BalanceFeed> log, IBalanceBroadcast? broadcast = null)
{
    private readonly Lock _gate = new();
    // Copy-on-write: publishing iterates a snapshot without holding the lock.
    private ImmutableArray<Func<BalanceChanged, Task>> _subscribers = [];

    public IDisposable Subscribe(Func<BalanceChanged, Task> handler)
    {
        lock (_gate) _subscribers = _subscribers.Add(handler);
        return new Subscription(this, handler);
    }

    public int SubscriberCount => _subscribers.Length;

    /// <summary>Publishes one committed change to every listener, on this server and, with a broadcast, on the others.</summary>
    public async Task PublishAsync(BalanceChanged change)
    {
        if (broadcast is null)
        {
            await DeliverAsync(change);
            return;
        }
        try
        {
            await broadcast.SendAsync(change);
        }
        catch (Exception ex)
        {
            // The other servers miss this one; this server's listeners still hear of it.
            log.LogError(ex, "Could not broadcast the change to period {PeriodId}; delivering on this server only", change.PeriodId);
            await DeliverAsync(change);
        }
    }

    /// <summary>Delivers to this server's subscribers; one failing listener never stops the others.</summary>
    public async Task DeliverAsync(BalanceChanged change)
    {
        foreach (var handler in _subscribers)
        {
            try { await handler(change); }
            catch (Exception ex) { log.LogWarning(ex, "A balance listener failed for period {PeriodId}", change.PeriodId); }
        }
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
        var shared = await db.PurchaseShares.AsNoTracking()
            .Where(s => purchaseIds.Contains(s.PurchaseId) && s.Status == ShareStatus.Accepted)
            .Select(s => new { s.PurchaseId, s.ClientId })
            .ToListAsync(ct);
        foreach (var p in periods)
        {
            int[] clients = [p.OwnerClientId, .. shared.Where(s => s.PurchaseId == p.PurchaseId).Select(s => s.ClientId)];
            await PublishAsync(new BalanceChanged(p.PurchaseId, p.Id, p.LocationId, clients, p.UsedCredits, p.MaxCredits, p.MaxCredits - p.UsedCredits));
        }
    }

    private void Remove(Func<BalanceChanged, Task> handler)
    {
        lock (_gate) _subscribers = _subscribers.Remove(handler);
    }

    private sealed class Subscription(BalanceFeed feed, Func<BalanceChanged, Task> handler) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) feed.Remove(handler);
        }
    }
}
