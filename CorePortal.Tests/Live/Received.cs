using CorePortal.Features.Live;
using Microsoft.AspNetCore.SignalR.Client;

namespace CorePortal.Tests.Live;

/// <summary>Every BalanceChanged a hub connection (or a feed subscription) receives, in order, and a way to wait for one.</summary>
public sealed class Received
{
    private readonly List<BalanceChanged> _events = [];
    private readonly Lock _gate = new();
    private readonly List<(Func<BalanceChanged, bool> Match, TaskCompletionSource<BalanceChanged> Done)> _waiters = [];

    public Received(HubConnection connection) => connection.On<BalanceChanged>(BalancesHub.EventName, Add);

    public Received(BalanceFeed feed, out IDisposable subscription) => subscription = feed.Subscribe(BalanceTopic.All, e => { Add(e); return Task.CompletedTask; });

    public IReadOnlyList<BalanceChanged> Events { get { lock (_gate) return [.. _events]; } }

    public Task<BalanceChanged> WaitForAsync(Func<BalanceChanged, bool> match)
    {
        lock (_gate)
        {
            if (_events.FirstOrDefault(match) is { } seen) return Task.FromResult(seen);
            var done = new TaskCompletionSource<BalanceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(FeedProbe.Patience);
        }
    }

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
