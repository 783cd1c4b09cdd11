using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using StackExchange.Redis;

namespace CorePortal.Features;

/// <summary>
/// What several app servers behind a proxy need beyond one database (README, "Running a chain of studios"): one Data
/// Protection key ring, so a cookie or bearer token issued by one server is accepted by the others, and the client's
/// address and scheme as the proxy saw them, believed from the configured proxies only. The SignalR backplane and the
/// balance channel are in <see cref="Live.LiveSetup"/>. A single server without Redis or a proxy keeps the defaults.
/// </summary>
public static class ChainSetup
{
    /// <summary>One name for every server: Data Protection isolates key rings by application name.</summary>
    public const string ApplicationName = "CorePortal";

    /// <summary>The Redis list that holds the key ring's XML elements.</summary>
    public static readonly RedisKey KeyRingKey = "coreportal:data-protection-keys";

    public static void AddPortalChain(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            // Only here: a single server keeps its default key ring (on disk, named after its folder), so upgrading one
            // does not sign anybody out.
            var dataProtection = services.AddDataProtection().SetApplicationName(ApplicationName);
            // Connect lazily: the key ring is first read on the first request, not while the container is built.
            var connection = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(redis));
            dataProtection.PersistKeysToStackExchangeRedis(() => connection.Value.GetDatabase(), KeyRingKey);
        }

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named here are believed; the framework's default (loopback) is dropped, so without a
            // configured proxy the headers are ignored and anyone could not pick their own address by sending one.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in Values(configuration.GetSection("Proxy:KnownProxies"))) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in Values(configuration.GetSection("Proxy:KnownNetworks"))) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
    }

    /// <summary>Runs first, so the rate limits, sign-in and links see the client's address and scheme rather than the proxy's.</summary>
    public static void UsePortalProxy(this WebApplication app)
    {
        var section = app.Configuration.GetSection("Proxy");
        if (Values(section.GetSection("KnownProxies")).Any() || Values(section.GetSection("KnownNetworks")).Any())
            app.UseForwardedHeaders();
    }

    // A list in configuration: an array (Proxy:KnownProxies:0, Proxy__KnownProxies__0) or one comma-separated value.
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
        .Select(v => v.Trim()).Where(v => v.Length > 0);
}
