using System.Text.Json;
using StackExchange.Redis;

namespace CorePortal.Features.Live;

/// <summary>The Redis pub/sub channel every server's feed listens on, over the server's one <see cref="RedisLink"/>.</summary>
public sealed class RedisBalanceChannel(RedisLink link)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("coreportal:balances");

    public ISubscriber Subscriber => link.Connection.GetSubscriber();
}

/// <summary>
/// Publishes each committed change to the channel; no server delivers it before it comes back. While Redis is away the
/// publish fails at once and <see cref="BalanceFeed"/> delivers the change on this server.
/// </summary>
public sealed class RedisBalanceBroadcast(RedisBalanceChannel channel) : IBalanceBroadcast
{
    public Task SendAsync(BalanceChanged change) =>
        channel.Subscriber.PublishAsync(RedisBalanceChannel.Channel, JsonSerializer.Serialize(change, JsonSerializerOptions.Web));
}

/// <summary>
/// Delivers every change on the channel, this server's own included, to this server's feed: once per server. A server
/// started while Redis is unreachable starts listening when Redis comes back; once listening, the connection
/// re-subscribes by itself after each reconnect.
/// </summary>
public sealed class RedisBalanceReceiver(RedisBalanceChannel channel, RedisLink link, BalanceFeed feed, ILogger<RedisBalanceReceiver> log) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        link.Restored += ListenLater;
        await ListenAsync();
    }

    private void ListenLater() => _ = ListenAsync();

    private async Task ListenAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_queue is not null) return;
            // A subscription that failed while Redis was away may still be registered and come back by itself: drop it,
            // so this server never hears a change twice.
            try { await channel.Subscriber.UnsubscribeAsync(RedisBalanceChannel.Channel); }
            catch (Exception ex) when (ex is RedisException or TimeoutException) { }
            var queue = await channel.Subscriber.SubscribeAsync(RedisBalanceChannel.Channel);
            queue.OnMessage(message =>
            {
                // Deliver only queues the change for this server's subscribers: the channel never waits for a screen.
                if (JsonSerializer.Deserialize<BalanceChanged>((string)message.Message!, JsonSerializerOptions.Web) is { } change)
                    feed.Deliver(change);
                else
                    log.LogWarning("Ignored an empty message on {Channel}", RedisBalanceChannel.Channel);
            });
            _queue = queue;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            log.LogWarning("Not listening to {Channel} yet: Redis is unreachable. Listening starts when it is back", RedisBalanceChannel.Channel);
        }
        finally { _gate.Release(); }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        link.Restored -= ListenLater;
        if (_queue is null) return;
        try { await _queue.UnsubscribeAsync(); }
        // Redis away, or the connection already closed by the host's shutdown (hosted services stop while singletons such as
        // RedisLink may be disposed): nothing to undo there.
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException) { }
    }

    public void Dispose() => _gate.Dispose();
}
