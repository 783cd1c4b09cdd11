using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Live;

/// <summary>
/// The balances hub and, with a Redis connection string (ConnectionStrings:Redis), the SignalR backplane and the
/// feed across servers. Without it everything stays in this process.
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
        var signalR = services.AddSignalR();

        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("coreportal"));
            services.AddSingleton(_ => new RedisBalanceChannel(redis)); // created by the container, so disposed by it
            services.AddSingleton<IBalanceBroadcast, RedisBalanceBroadcast>();
            services.AddHostedService<RedisBalanceReceiver>();
        }
    }

    // A refused hub client gets a plain 401, not the status page (re-executing it for a POST answers 400).
    // A connection closes when its token (or cookie) expires; disabling and signing out close it at the guard's next sweep.
    public static void MapPortalLive(this IEndpointRouteBuilder app) =>
        app.MapHub<BalancesHub>(BalancesHub.Path, o => o.CloseOnAuthenticationExpiration = true);
}
