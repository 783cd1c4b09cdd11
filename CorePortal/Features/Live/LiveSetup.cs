using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Live;

/// <summary>
/// The balances hub and, with a Redis connection string (ConnectionStrings:Redis), the feed across servers. Without it
/// everything stays in this process. There is no SignalR backplane: every server's feed hears every change through the
/// balance channel and sends it to the hub connections it holds itself, so a backplane would carry nothing more; it
/// would only make every hub connection and every Blazor circuit (whose hub it would serve too) wait on Redis, and
/// fail while Redis is away.
/// </summary>
public static class LiveSetup
{
    /// <summary>
    /// The hub's policy: any signed-in user (each join is then checked). It names no scheme, so it uses the default
    /// one; a bearer scheme for the JSON API is added to the default (or to this policy), never to the hub.
    /// </summary>
    public const string ListenerPolicy = "BalanceListener";

    public static void AddPortalLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthorizationBuilder().AddPolicy(ListenerPolicy, p => p.RequireAuthenticatedUser());
        services.AddSingleton<BalanceListeners>();
        services.AddHostedService<BalanceHubBridge>();
        services.AddSingleton<HubConnectionGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<HubConnectionGuard>());
        services.AddSignalR();

        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            RedisLink.Register(services, redis);
            services.AddSingleton<RedisBalanceChannel>();
            services.AddSingleton<IBalanceBroadcast, RedisBalanceBroadcast>();
            services.AddHostedService<RedisBalanceReceiver>();
        }
    }

    // A refused hub client gets a plain 401, not the status page (re-executing it for a POST answers 400).
    // A connection closes when its token (or cookie) expires; disabling and signing out close it at the guard's next sweep.
    public static void MapPortalLive(this IEndpointRouteBuilder app) =>
        app.MapHub<BalancesHub>(BalancesHub.Path, o => o.CloseOnAuthenticationExpiration = true);
}
