using Bunit;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Memberships;
using CorePortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Infrastructure;

/// <summary>What the top navigation's freeze requests link needs (it counts the pending ones), over the given database or a new one.</summary>
public static class FreezeQueueServices
{
    public static BunitServiceProvider AddFreezeRequestQueue(this BunitServiceProvider services, IDbContextFactory<CoreDbContext>? db = null, TimeProvider? clock = null)
    {
        // Made by the container (so disposed with it), and only when a role that sees the link renders it.
        services.AddSingleton<IDbContextFactory<CoreDbContext>>(_ => db ?? new TestDatabase());
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<CorePortal.Features.Live.BalanceFeed>();
        services.AddScoped<FreezeService>();
        services.AddScoped<FreezeRequestService>();
        services.AddScoped<CurrentUser>();
        return services;
    }
}
