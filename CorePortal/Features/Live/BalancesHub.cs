using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Live;

/// <summary>
/// Balance events for external listeners (the members' app, kiosks). A listener joins a client, a purchase or a
/// location and receives "BalanceChanged" for it; every join is authorized here, on the server.
/// </summary>
[Authorize(Policy = LiveSetup.ListenerPolicy)]
public sealed class BalancesHub(BalanceListeners listeners, IDbContextFactory<CoreDbContext> dbFactory, PortalMetrics metrics, HubConnectionGuard guard) : Hub
{
    public const string Path = "/hubs/balances";
    public const string EventName = "BalanceChanged";

    /// <summary>Studio team: any client. A member: only their own.</summary>
    [HubMethodName("JoinClient")]
    public Task JoinClientAsync(int clientId)
    {
        if (!Access.CanJoinClient(Context.User!, clientId)) throw Refused("client", clientId);
        Join(t => t with { Clients = t.Clients.Add(clientId) });
        return Task.CompletedTask;
    }

    /// <summary>Studio team: any purchase. A member: one they own or hold an accepted share on.</summary>
    [HubMethodName("JoinPurchase")]
    public async Task JoinPurchaseAsync(int purchaseId)
    {
        await using var db = await dbFactory.CreateDbContextAsync(Context.ConnectionAborted);
        if (!await Access.CanJoinPurchaseAsync(db, Context.User!, purchaseId, Context.ConnectionAborted)) throw Refused("purchase", purchaseId);
        Join(t => t with { Purchases = t.Purchases.Add(purchaseId) });
    }

    /// <summary>Studio team only.</summary>
    [HubMethodName("JoinLocation")]
    public Task JoinLocationAsync(int locationId)
    {
        if (!Access.CanJoinLocation(Context.User!)) throw Refused("location", locationId);
        Join(t => t with { Locations = t.Locations.Add(locationId) });
        return Task.CompletedTask;
    }

    public override Task OnConnectedAsync()
    {
        metrics.HubConnected();
        guard.Track(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.HubDisconnected();
        listeners.Leave(Context.ConnectionId);
        guard.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private void Join(Func<ListenerTopics, ListenerTopics> change)
    {
        listeners.Join(Context.ConnectionId, Access.ListenerClientId(Context.User!), change);
    }

    private static HubException Refused(string what, int id) => new($"You may not listen to {what} {id}.");
}
