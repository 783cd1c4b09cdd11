using System.Text.Json;
using StackExchange.Redis;

namespace CorePortal.Features.Live;

/// <summary>The Redis pub/sub channel every server's feed listens on.</summary>
public sealed class RedisBalanceChannel(string connectionString) : IAsyncDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("coreportal:balances");
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(connectionString));

    public async Task<ISubscriber> SubscriberAsync() => (await _connection.Value).GetSubscriber();

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated) await (await _connection.Value).DisposeAsync();
    }
}

/// <summary>Publishes each committed change to the channel; no server delivers it before it comes back.</summary>
public sealed class RedisBalanceBroadcast(RedisBalanceChannel channel) : IBalanceBroadcast
{
    public async Task SendAsync(BalanceChanged change)
    {
        var subscriber = await channel.SubscriberAsync();
        await subscriber.PublishAsync(RedisBalanceChannel.Channel, JsonSerializer.Serialize(change, JsonSerializerOptions.Web));
    }
}

/// <summary>Delivers every change on the channel, this server's own included, to this server's feed: once per server.</summary>
public sealed class RedisBalanceReceiver(RedisBalanceChannel channel, BalanceFeed feed, ILogger<RedisBalanceReceiver> log) : IHostedService
{
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = await channel.SubscriberAsync();
        _queue = await subscriber.SubscribeAsync(RedisBalanceChannel.Channel);
        _queue.OnMessage(message =>
        {
            // Deliver only queues the change for this server's subscribers: the channel never waits for a screen.
            if (JsonSerializer.Deserialize<BalanceChanged>((string)message.Message!, JsonSerializerOptions.Web) is { } change)
                feed.Deliver(change);
            else
                log.LogWarning("Ignored an empty message on {Channel}", RedisBalanceChannel.Channel);
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null) await _queue.UnsubscribeAsync();
    }
}
