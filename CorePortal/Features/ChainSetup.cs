using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HttpOverrides;
using StackExchange.Redis;

namespace CorePortal.Features;

/// <summary>
/// What several app servers behind a proxy need beyond one database (README, "Running a chain of studios"): one Data
/// Protection key ring, so a cookie or bearer token issued by one server is accepted by the others, and the client's
/// address and scheme as the proxy saw them, believed from the configured proxies only. The balance channel is in
/// <see cref="Live.LiveSetup"/>. A single server without Redis or a proxy keeps the defaults; with Redis, a server
/// carries on alone while Redis is unreachable (<see cref="RedisLink"/>, <see cref="CachedKeyRing"/>).
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
            RedisLink.Register(services, redis);
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
            // Only here: a single server keeps its default key ring (on disk, named after its folder), so upgrading one
            // does not sign anybody out.
            services.AddDataProtection().SetApplicationName(ApplicationName);
            var cache = configuration["DataProtection:KeyRingCache"] is { Length: > 0 } folder ? folder : DefaultKeyRingCache();
            // Read lazily: the key ring is first read on the first request, not while the container is built.
            services.AddOptions<KeyManagementOptions>().Configure<RedisLink, ILoggerFactory>((o, link, logs) =>
                o.XmlRepository = new CachedKeyRing(link, KeyRingKey, new FileSystemXmlRepository(new DirectoryInfo(cache), logs),
                    logs.CreateLogger<CachedKeyRing>()));
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

    /// <summary>Where a server keeps its copy of the shared key ring (DataProtection:KeyRingCache): one folder per server and chain.</summary>
    public static string DefaultKeyRingCache()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return Path.Combine(home.Length > 0 ? home : AppContext.BaseDirectory, ApplicationName, "key-ring-cache");
    }

    // A list in configuration: an array (Proxy:KnownProxies:0, Proxy__KnownProxies__0) or one comma-separated value.
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
        .Select(v => v.Trim()).Where(v => v.Length > 0);
}
