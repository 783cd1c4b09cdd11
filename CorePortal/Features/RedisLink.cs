using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CorePortal.Features;

/// <summary>
/// The one connection to Redis a server holds (the balance channel and the Data Protection key ring), made so that
/// Redis being away never stops the server: it starts without Redis, a command fails at once instead of queueing while
/// Redis is unreachable (the callers fall back to this server alone), and it reconnects by itself when Redis returns.
/// Losing and regaining Redis are each logged once; <see cref="RedisHealthCheck"/> reports it on /health/ready.
/// </summary>
public sealed class RedisLink : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _connection;
    private readonly ILogger<RedisLink> _log;
    private int _down;

    public RedisLink(string connectionString, ILogger<RedisLink> log)
    {
        _log = log;
        _connection = new Lazy<ConnectionMultiplexer>(() => Connect(connectionString));
    }

    /// <summary>Raised (on a pool thread) each time a connection to Redis comes back, so a caller can redo what failed meanwhile.</summary>
    public event Action? Restored;

    /// <summary>Connects on first use, whether or not Redis answers.</summary>
    public ConnectionMultiplexer Connection => _connection.Value;

    /// <summary>Both the command connection and the balance channel's subscription connection are up.</summary>
    public bool IsUp => Connection.IsConnected && Connection.GetSubscriber().IsConnected(Live.RedisBalanceChannel.Channel);

    public static void Register(IServiceCollection services, string connectionString) =>
        services.TryAddSingleton(sp => new RedisLink(connectionString, sp.GetRequiredService<ILogger<RedisLink>>()));

    private ConnectionMultiplexer Connect(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false; // start without Redis and keep trying in the background
        // Fail at once while disconnected: a booking must not wait out a timeout to learn that Redis is away.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Retry every second rather than backing off to tens of seconds: Redis back means servers joined again soon.
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        var connection = ConnectionMultiplexer.Connect(options);
        connection.ConnectionFailed += (_, e) => WentDown(e.FailureType.ToString());
        connection.ConnectionRestored += (_, _) => CameBack();
        if (!connection.IsConnected) WentDown("not reachable at start");
        return connection;
    }

    private void WentDown(string why)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
            _log.LogWarning("Redis is unreachable ({Reason}): this server carries on alone. Bookings and pages work; live " +
                "updates reach only this server's screens and sign-ins use the key ring cached on this server, until Redis is back", why);
    }

    private void CameBack()
    {
        if (Connection.IsConnected && Interlocked.Exchange(ref _down, 0) == 1)
            _log.LogWarning("Redis is reachable again: live updates cross servers again");
        var restored = Restored;
        if (restored is not null) _ = Task.Run(restored);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated) await _connection.Value.DisposeAsync();
    }
}

/// <summary>
/// Redis away is Degraded, not Unhealthy: this server still does everything for the people on it, so a proxy or an
/// orchestrator must keep sending them (an Unhealthy server would be taken out of rotation, for no gain).
/// </summary>
public sealed class RedisHealthCheck(RedisLink link) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(link.IsUp
            ? HealthCheckResult.Healthy("Redis is connected.")
            : HealthCheckResult.Degraded("Redis is unreachable: this server works alone (live updates stay on it) until Redis is back."));
}
