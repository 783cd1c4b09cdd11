using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;

namespace CorePortal.Features.Common;

/// <summary>
/// How much a caller may send, chosen rather than left at the framework's defaults (30 MB bodies, circuits kept for anyone who
/// drops). Bound from the "Limits" section; every value is documented in the README under Input bounds.
/// </summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Limits";

    /// <summary>Any request body (sign-in and account forms included). The portal uploads no files, so 1 MB is generous.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>A JSON API body under /api: the largest real one (a sale shared with a dozen clients) is under 2 KB.</summary>
    public long ApiBodyBytes { get; set; } = 64 * 1024;

    /// <summary>One message into a SignalR hub (the balances hub and the Blazor circuit): joins and UI events are small.</summary>
    public long HubMessageBytes { get; set; } = 32 * 1024;

    /// <summary>How long a dropped circuit is kept for its screen to reconnect: long enough for a Wi-Fi blip at the desk.</summary>
    public TimeSpan DisconnectedCircuitRetention { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How many dropped circuits are kept at once (each holds its screen's state in memory); the oldest go first.</summary>
    public int DisconnectedCircuitMaxRetained { get; set; } = 50;

    /// <summary>Render batches a slow browser may leave unacknowledged before the server stops rendering for it.</summary>
    public int MaxBufferedUnacknowledgedRenderBatches { get; set; } = 10;

    /// <summary>How long a call into the browser's JavaScript may take before it is given up.</summary>
    public TimeSpan JsInteropTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class RequestLimits
{
    /// <summary>Applies the limits to Kestrel, the SignalR hubs and the Blazor circuits.</summary>
    public static IServerSideBlazorBuilder WithPortalLimits(this IServerSideBlazorBuilder blazor, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        var services = blazor.Services;
        services.AddSingleton(limits);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = limits.MaxRequestBodyBytes);
        // Each hub by name: the balances hub here, the circuit's own hub below (a hub's options do not always follow the global ones).
        services.Configure<HubOptions>(o => o.MaximumReceiveMessageSize = limits.HubMessageBytes);
        services.Configure<HubOptions<Live.BalancesHub>>(o => o.MaximumReceiveMessageSize = limits.HubMessageBytes);
        blazor.AddHubOptions(o => o.MaximumReceiveMessageSize = limits.HubMessageBytes);
        blazor.AddCircuitOptions(o =>
        {
            o.DisconnectedCircuitRetentionPeriod = limits.DisconnectedCircuitRetention;
            o.DisconnectedCircuitMaxRetained = limits.DisconnectedCircuitMaxRetained;
            o.MaxBufferedUnacknowledgedRenderBatches = limits.MaxBufferedUnacknowledgedRenderBatches;
            o.JSInteropDefaultCallTimeout = limits.JsInteropTimeout;
        });
        return blazor;
    }

    /// <summary>
    /// Holds API bodies to <see cref="RequestLimitOptions.ApiBodyBytes"/>: a declared length over it is a 413 before anything is
    /// read, and a body sent without a length stops being read at the limit (Kestrel then answers 413). Goes after
    /// UseApiProblemDetails, which gives the 413 its problem details body.
    /// </summary>
    public static void UseRequestLimits(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<RequestLimitOptions>().ApiBodyBytes;
        app.Use((ctx, next) =>
        {
            if (!ctx.Request.Path.StartsWithSegments("/api")) return next(ctx);
            if (ctx.Request.ContentLength > limit)
            {
                ctx.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return Task.CompletedTask;
            }
            if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
            return next(ctx);
        });
    }
}
