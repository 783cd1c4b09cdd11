using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace CorePortal.Features.Live;

/// <summary>What one hub connection listens to. A member's connection also carries their client id.</summary>
public sealed record ListenerTopics(int? MemberClientId, ImmutableHashSet<int> Clients, ImmutableHashSet<int> Purchases, ImmutableHashSet<int> Locations)
{
    public static ListenerTopics For(int? memberClientId) => new(memberClientId, [], [], []);

    public bool Wants(BalanceChanged change)
    {
        // A member hears only of pools they can use now: ClientIds is the owner plus accepted shares at commit time,
        // so a share removed after joining stops the events at once.
        if (MemberClientId is { } member && !change.ClientIds.Contains(member)) return false;
        return Purchases.Contains(change.PurchaseId) || Locations.Contains(change.LocationId) || change.ClientIds.Any(Clients.Contains);
    }
}

/// <summary>
/// The hub connections held by this server and their topics. Each event is sent once per matching connection,
/// by connection id, so joining a client and that client's purchase never doubles an event.
/// </summary>
public sealed class BalanceListeners
{
    private readonly ConcurrentDictionary<string, ListenerTopics> _connections = new();

    public int Count => _connections.Count;

    public void Join(string connectionId, int? memberClientId, Func<ListenerTopics, ListenerTopics> change) =>
        _connections.AddOrUpdate(connectionId, _ => change(ListenerTopics.For(memberClientId)), (_, topics) => change(topics));

    public void Leave(string connectionId) => _connections.TryRemove(connectionId, out _);

    public IReadOnlyList<string> ConnectionsFor(BalanceChanged change) =>
        _connections.Where(c => c.Value.Wants(change)).Select(c => c.Key).ToList();
}
