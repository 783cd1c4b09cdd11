using System.Net;
using CorePortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Infrastructure;

/// <summary>The app listening on a loopback port, for real HubConnections; Settings and the database file as PortalFactory.</summary>
public sealed class KestrelPortal : PortalFactory, IAsyncLifetime
{
    ValueTask IAsyncLifetime.InitializeAsync()
    {
        Start();
        return ValueTask.CompletedTask;
    }

    public string BaseUrl { get; private set; } = "";

    public KestrelPortal Start()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        return this;
    }

    /// <summary>Signs in through the sign-in form and opens the balances hub with that cookie.</summary>
    public async Task<HubConnection> HubAsync(string email, string password = DemoUsers.Password)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl) };
        var response = await PostLoginAsync(http, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}");
        var connection = new HubConnectionBuilder().WithUrl($"{BaseUrl}/hubs/balances", o => o.Cookies = cookies).Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>A member's app login for the client, the way the members' API will create them.</summary>
    public async Task<string> CreateMemberLoginAsync(int clientId)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var email = $"member{clientId}-{Guid.NewGuid():N}@example.com";
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Member {clientId}", ClientId = clientId };
        Check(await users.CreateAsync(user, DemoUsers.Password));
        Check(await users.AddToRoleAsync(user, Roles.Member));
        return email;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
