using Microsoft.AspNetCore.SignalR;

namespace CorePortal.Features.Live;

/// <summary>
/// Forwards this server's feed to the hub connections this server holds. Every server's feed hears every change
/// (through Redis when there is more than one), so each server sends only to its own connections: once each.
/// The sends run on the bridge's own subscription queue, so a slow connection or backplane never holds up a writer.
/// </summary>
public sealed class BalanceHubBridge(BalanceFeed feed, BalanceListeners listeners, IHubContext<BalancesHub> hub) : IHostedService
{
    private BalanceSubscription? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(BalanceTopic.All, SendAsync);
        return Task.CompletedTask;
    }

    private Task SendAsync(BalanceChanged change)
    {
        var connections = listeners.ConnectionsFor(change);
        return connections.Count == 0 ? Task.CompletedTask : hub.Clients.Clients(connections).SendAsync(BalancesHub.EventName, change);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
