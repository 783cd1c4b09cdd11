using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace CorePortal.Tests.Infrastructure;

/// <summary>A PortalFactory already listening on loopback when a test gets it (as a class fixture), with hub sign-in.</summary>
public sealed class KestrelPortal : PortalFactory, IAsyncLifetime
{
    ValueTask IAsyncLifetime.InitializeAsync()
    {
        Listen();
        return ValueTask.CompletedTask;
    }

    public KestrelPortal Start()
    {
        Listen();
        return this;
    }

    /// <summary>
    /// Opens the balances hub as the user: staff with the cookie of the sign-in form, members (who cannot sign in to
    /// the portal) with a bearer token, as their app does.
    /// </summary>
    public async Task<HubConnection> HubAsync(string email, string password = DemoUsers.Password)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl) };
        string? token = null;
        using var response = await PostLoginAsync(http, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
            if (!login.IsSuccessStatusCode) throw new InvalidOperationException($"Sign-in as {email} failed: {(int)login.StatusCode}");
            token = (await login.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        }
        var connection = new HubConnectionBuilder().WithUrl($"{BaseUrl}/hubs/balances", o =>
        {
            o.Cookies = cookies;
            if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        }).Build();
        await connection.StartAsync();
        return connection;
    }
}
