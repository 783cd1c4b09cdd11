using CorePortal.Features.Live;

namespace CorePortal.Tests.Live;

/// <summary>
/// A feed subscriber that records what it is handed, for tests. Delivery runs off the publisher's path, so a test
/// waits: for a change it expects (<see cref="WaitForAsync"/>), or until everything published before now has been
/// handed over (<see cref="SettleAsync"/>), which is what lets a test say a change did not come.
/// </summary>
public sealed class FeedProbe : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static int _nextMarker;

    private readonly BalanceFeed _feed;
    private readonly BalanceSubscription _subscription;
    private readonly Lock _gate = new();
    private readonly List<BalanceChanged> _events = [];
    private readonly List<(Func<BalanceChanged, bool> Match, TaskCompletionSource<BalanceChanged> Done)> _waiters = [];

    public FeedProbe(BalanceFeed feed, BalanceTopic topic, Func<BalanceChanged, Task>? then = null)
    {
        _feed = feed;
        _subscription = feed.Subscribe(topic, async change =>
        {
            Add(change);
            if (then is not null && !IsMarker(change)) await then(change);
        });
    }

    public BalanceSubscription Subscription => _subscription;

    /// <summary>The changes handed to this subscriber so far, in order, without the probes' markers.</summary>
    public IReadOnlyList<BalanceChanged> Events { get { lock (_gate) return _events.Where(e => !IsMarker(e)).ToList(); } }

    public Task<BalanceChanged> WaitForAsync(Func<BalanceChanged, bool> match)
    {
        lock (_gate)
        {
            if (_events.FirstOrDefault(match) is { } seen) return Task.FromResult(seen);
            var done = new TaskCompletionSource<BalanceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(Patience);
        }
    }

    /// <summary>
    /// Publishes a marker only this probe's topic matches and waits for it. A subscriber is handed its changes in the
    /// order they were published, so once the marker arrives every earlier change has arrived too (or never will).
    /// </summary>
    public async Task<IReadOnlyList<BalanceChanged>> SettleAsync()
    {
        var topic = _subscription.Topic;
        var markerPeriod = -Interlocked.Increment(ref _nextMarker);
        var marker = new BalanceChanged(
            topic.Kind == BalanceTopicKind.Purchase ? topic.Id : -1, markerPeriod, topic.Kind == BalanceTopicKind.Location ? topic.Id : -1,
            topic.Kind == BalanceTopicKind.Client ? [topic.Id] : [], 0, null, null);
        await _feed.PublishAsync(marker);
        await WaitForAsync(e => e.PeriodId == markerPeriod);
        return Events;
    }

    public void Dispose() => _subscription.Dispose();

    private static bool IsMarker(BalanceChanged change) => change.PeriodId < 0;

    private void Add(BalanceChanged change)
    {
        lock (_gate)
        {
            _events.Add(change);
            foreach (var waiter in _waiters.Where(w => w.Match(change)).ToList())
            {
                waiter.Done.TrySetResult(change);
                _waiters.Remove(waiter);
            }
        }
    }
}
