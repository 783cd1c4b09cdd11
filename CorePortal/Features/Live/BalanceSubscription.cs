namespace CorePortal.Features.Live;

/// <summary>
/// One subscriber's queue. A publish only adds the change here and, if no pump is running, starts one on the thread
/// pool; the pump calls the handler with one change at a time until the queue is empty, then ends (an idle screen
/// holds no task). The queue keeps the latest change per period: a screen that falls behind, or a dead circuit that
/// never answers, holds at most one change for each period it shows, and at most <see cref="PendingLimit"/> in all.
/// A failing handler is logged and the pump goes on with the next change.
/// </summary>
public sealed class BalanceSubscription : IDisposable
{
    /// <summary>Most periods one subscriber can have pending; past it the oldest is dropped (only an All subscriber gets near).</summary>
    public const int PendingLimit = 1024;

    private readonly BalanceFeed _feed;
    private readonly Func<BalanceChanged, Task> _handler;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly OrderedDictionary<int, BalanceChanged> _pending = []; // by period id, oldest first
    private bool _pumping;
    private bool _overflowing;
    private int _disposed;

    internal BalanceSubscription(BalanceFeed feed, BalanceTopic topic, Func<BalanceChanged, Task> handler, ILogger log)
    {
        _feed = feed;
        Topic = topic;
        _handler = handler;
        _log = log;
    }

    public BalanceTopic Topic { get; }

    /// <summary>Changes queued and not yet handed to the handler.</summary>
    public int Pending { get { lock (_gate) return _pending.Count; } }

    internal void Offer(BalanceChanged change)
    {
        lock (_gate)
        {
            if (_disposed != 0) return;
            if (!_pending.ContainsKey(change.PeriodId) && _pending.Count >= PendingLimit)
            {
                _pending.RemoveAt(0);
                if (!_overflowing) _log.LogWarning("A {Topic} listener fell {Limit} periods behind; dropping its oldest changes", Topic, PendingLimit);
                _overflowing = true;
            }
            _pending[change.PeriodId] = change; // a newer change to a pending period takes its place in the queue
            if (_pumping) return;
            _pumping = true;
        }
        // The pump must not carry the writer's context (its circuit, its activity) into another screen's handler.
        using (ExecutionContext.SuppressFlow()) _ = Task.Run(PumpAsync);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            BalanceChanged next;
            lock (_gate)
            {
                if (_disposed != 0 || _pending.Count == 0)
                {
                    _pumping = false;
                    _overflowing = false;
                    return;
                }
                next = _pending.GetAt(0).Value;
                _pending.RemoveAt(0);
            }
            try { await _handler(next); }
            catch (Exception ex) { _log.LogWarning(ex, "A {Topic} listener failed for period {PeriodId}", Topic, next.PeriodId); }
        }
    }

    /// <summary>Stops delivery: once this returns nothing more is queued or taken (a change already taken may still be handled).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_gate) _pending.Clear();
        _feed.Remove(this);
    }
}
