using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace CorePortal.Features.Common;

/// <summary>OpenTelemetry metrics (the app's own meter and ASP.NET Core's), scraped by Prometheus at <c>/metrics</c>.</summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    public static void AddPortalMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var networks = MetricsAccess.Networks(configuration); // read at start, so a typo fails the start, not a scrape
        services.AddSingleton(new MetricsNetworks(networks));
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CircuitCounter>());
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(PortalMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            // No caching: each scrape sees the counts as they are (a scrape every few seconds costs little).
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    /// <summary>Callers outside loopback and the allowed networks get the same 404 as any unknown address.</summary>
    public static IEndpointConventionBuilder MapPortalMetrics(this IEndpointRouteBuilder app)
    {
        var networks = app.ServiceProvider.GetRequiredService<MetricsNetworks>().Networks;
        return app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: pipeline => pipeline.Use((ctx, next) =>
        {
            if (MetricsAccess.IsAllowed(ctx.Connection.RemoteIpAddress, networks)) return next(ctx);
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }), optionsName: null).AllowAnonymous();
    }

    private sealed record MetricsNetworks(IReadOnlyList<System.Net.IPNetwork> Networks);
}
