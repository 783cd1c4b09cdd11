using System.Net;
using System.Net.Http.Json;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Chain;

/// <summary>
/// Behind nginx every request comes from the proxy's address: the app takes the client's address from X-Forwarded-For,
/// but only from a proxy named in Proxy:KnownProxies, so the per-address sign-in limit counts clients, not the proxy,
/// and nobody else can pick their own address by sending the header.
/// </summary>
[Collection(ApiApp.SignInCollection)]
public sealed class ProxyTests
{
    [Fact]
    public async Task Through_a_known_proxy_the_sign_in_limit_counts_each_forwarded_client_address_on_its_own()
    {
        using var app = Portal(("Proxy:KnownProxies", "127.0.0.1"));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            await AttemptsAsync(app, "203.0.113.7", 3));
        Assert.Equal([HttpStatusCode.Unauthorized], await AttemptsAsync(app, "203.0.113.8", 1));
    }

    [Fact]
    public async Task Without_a_configured_proxy_a_forwarded_address_is_ignored()
    {
        using var app = Portal();
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], await AttemptsAsync(app, "203.0.113.7", 2));
        Assert.Equal([HttpStatusCode.TooManyRequests], await AttemptsAsync(app, "203.0.113.8", 1));
    }

    private static KestrelPortal Portal(params (string Key, string Value)[] settings)
    {
        var app = new KestrelPortal { GeneratedClients = 0, Settings = { ["Auth:SignInsPerMinute"] = "2" } };
        foreach (var (key, value) in settings) app.Settings[key] = value;
        return app.Start();
    }

    // Sign-ins for an address nobody has: each is refused (401) without locking any account, until the limit answers 429.
    private static async Task<List<HttpStatusCode>> AttemptsAsync(KestrelPortal app, string forwardedFor, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
            {
                Content = JsonContent.Create(new { email = "nobody@example.com", password = "wrong-password" }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await http.SendAsync(request);
            answers.Add(response.StatusCode);
        }
        return answers;
    }
}
