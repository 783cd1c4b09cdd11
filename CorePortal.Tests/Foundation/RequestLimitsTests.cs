using CorePortal.Features.Common;
using CorePortal.Features.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CorePortal.Tests.Foundation;

/// <summary>Request size and circuit limits are the ones chosen in RequestLimitOptions, and the Limits section changes them.</summary>
public sealed class RequestLimitsTests
{
    [Fact]
    public void The_chosen_limits_apply_to_kestrel_the_hubs_and_the_circuits()
    {
        using var app = Build([]);
        var services = app.Services;

        Assert.Equal(1024 * 1024, services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
        Assert.Equal(32 * 1024, services.GetRequiredService<IOptions<HubOptions<BalancesHub>>>().Value.MaximumReceiveMessageSize);
        var circuits = services.GetRequiredService<IOptions<CircuitOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(3), circuits.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(50, circuits.DisconnectedCircuitMaxRetained);
        Assert.Equal(10, circuits.MaxBufferedUnacknowledgedRenderBatches);
        Assert.Equal(TimeSpan.FromSeconds(30), circuits.JSInteropDefaultCallTimeout);
        Assert.Equal(64 * 1024, services.GetRequiredService<RequestLimitOptions>().ApiBodyBytes);
    }

    [Fact]
    public void The_Limits_section_changes_them()
    {
        using var app = Build(new()
        {
            ["Limits:MaxRequestBodyBytes"] = "2000", ["Limits:HubMessageBytes"] = "4096", ["Limits:DisconnectedCircuitRetention"] = "00:00:30",
            ["Limits:DisconnectedCircuitMaxRetained"] = "5", ["Limits:JsInteropTimeout"] = "00:00:05", ["Limits:ApiBodyBytes"] = "1000",
        });
        var services = app.Services;

        Assert.Equal(2000, services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
        Assert.Equal(4096, services.GetRequiredService<IOptions<HubOptions<BalancesHub>>>().Value.MaximumReceiveMessageSize);
        var circuits = services.GetRequiredService<IOptions<CircuitOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(30), circuits.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(5, circuits.DisconnectedCircuitMaxRetained);
        Assert.Equal(TimeSpan.FromSeconds(5), circuits.JSInteropDefaultCallTimeout);
        Assert.Equal(1000, services.GetRequiredService<RequestLimitOptions>().ApiBodyBytes);
    }

    // The app's own registration, on a host that is built but never started.
    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSignalR();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents().WithPortalLimits(builder.Configuration);
        return builder.Build();
    }
}
