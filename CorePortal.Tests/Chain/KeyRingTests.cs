using System.Net;
using System.Net.Http.Headers;
using CorePortal.Features;
using CorePortal.Tests.Infrastructure;
using StackExchange.Redis;

namespace CorePortal.Tests.Chain;

/// <summary>Two app instances on one Redis share one Data Protection key ring: what one server signs, the other reads.</summary>
public sealed class KeyRingTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_bearer_token_and_a_cookie_issued_by_one_server_are_accepted_by_another_and_the_key_ring_is_in_Redis()
    {
        redis.SkipIfUnavailable();
        await using var a = new KestrelPortal { GeneratedClients = 0, Settings = { ["ConnectionStrings:Redis"] = redis.ConnectionString } }.Start();
        await using var b = new KestrelPortal
        {
            GeneratedClients = 0, Engine = a.Engine, DatabaseConnection = a.DatabaseConnection, Settings = { ["ConnectionStrings:Redis"] = redis.ConnectionString },
        }.Start();

        using var toA = new HttpClient { BaseAddress = new Uri(a.BaseUrl) };
        var token = (await ApiApp.LoginAsync(toA, DemoUsers.Staff)).AccessToken;
        var cookies = await a.SignInAsync(DemoUsers.Staff, DemoUsers.Password);

        using var anonymous = new HttpClient { BaseAddress = new Uri(b.BaseUrl) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/locations")).StatusCode);
        using var withToken = new HttpClient { BaseAddress = new Uri(b.BaseUrl) };
        withToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/api/locations")).StatusCode);
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var withCookie = new HttpClient(handler) { BaseAddress = new Uri(b.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await withCookie.GetAsync("/api/locations")).StatusCode);

        // Not a key ring both happen to find on this machine's disk: the keys are the ones in Redis.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = await connection.GetDatabase().ListRangeAsync(ChainSetup.KeyRingKey);
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.StartsWith("<key ", k.ToString(), StringComparison.Ordinal));
    }
}
