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

    public IEnumerable<BalanceTopic> Topics() =>
        Clients.Select(BalanceTopic.Client).Concat(Purchases.Select(BalanceTopic.Purchase)).Concat(Locations.Select(BalanceTopic.Location));
}

/// <summary>
/// The hub connections held by this server and their topics, indexed by topic so a change looks up only the
/// connections that joined it. Each event is sent once per matching connection, by connection id, so joining a
/// client and that client's purchase never doubles an event.
/// </summary>
public sealed class BalanceListeners
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ListenerTopics> _connections = [];
    private readonly Dictionary<BalanceTopic, HashSet<string>> _byTopic = [];

    public int Count { get { lock (_gate) return _connections.Count; } }

    public void Join(string connectionId, int? memberClientId, Func<ListenerTopics, ListenerTopics> change)
    {
        lock (_gate)
        {
            var before = _connections.GetValueOrDefault(connectionId);
            var after = change(before ?? ListenerTopics.For(memberClientId));
            _connections[connectionId] = after;
            if (before is not null) Unindex(connectionId, before.Topics().Except(after.Topics()));
            foreach (var topic in after.Topics())
            {
                if (!_byTopic.TryGetValue(topic, out var ids)) _byTopic[topic] = ids = [];
                ids.Add(connectionId);
            }
        }
    }

    public void Leave(string connectionId)
    {
        lock (_gate)
        {
            if (_connections.Remove(connectionId, out var topics)) Unindex(connectionId, topics.Topics());
        }
    }

    private void Unindex(string connectionId, IEnumerable<BalanceTopic> topics)
    {
        foreach (var topic in topics)
            if (_byTopic.TryGetValue(topic, out var ids) && ids.Remove(connectionId) && ids.Count == 0) _byTopic.Remove(topic);
    }

    public IReadOnlyList<string> ConnectionsFor(BalanceChanged change)
    {
        lock (_gate)
        {
            var found = new HashSet<string>();
            void Add(BalanceTopic topic)
            {
                if (_byTopic.TryGetValue(topic, out var ids)) found.UnionWith(ids);
            }
            Add(BalanceTopic.Purchase(change.PurchaseId));
            Add(BalanceTopic.Location(change.LocationId));
            foreach (var clientId in change.ClientIds) Add(BalanceTopic.Client(clientId));
            return found.Where(id => _connections[id].Wants(change)).ToList(); // the member rule still applies
        }
    }
}
