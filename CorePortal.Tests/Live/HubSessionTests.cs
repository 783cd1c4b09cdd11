using System.Net.Http.Headers;
using System.Net.Http.Json;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Live;

/// <summary>Hub connections end with their sign-in: the account disabled, its security stamp changed, signed out, the token expired.</summary>
public sealed class HubSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Each server sweeps its connections every RevalidationInterval; short here, so the test waits for the close, not the clock.
    private static KestrelPortal Portal(params (string Key, string Value)[] settings)
    {
        var app = new KestrelPortal { Settings = { ["Auth:RevalidationInterval"] = "00:00:00.2" } };
        foreach (var (key, value) in settings) app.Settings[key] = value;
        return app.Start();
    }

    private static Task<Exception?> ClosedAsync(HubConnection hub)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private static async Task<StaffUser> NewStaffAsync(KestrelPortal app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var email = $"desk-{Guid.NewGuid():N}@demo.studio";
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Temp Desk" };
        Assert.True((await users.CreateAsync(user, DemoUsers.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Staff)).Succeeded);
        return user;
    }

    [Fact]
    public async Task Disabling_the_account_closes_its_open_hub_connection()
    {
        await using var app = Portal();
        var user = await NewStaffAsync(app);
        await using var hub = await app.HubAsync(user.Email!);
        var closed = ClosedAsync(hub);
        await hub.InvokeAsync("JoinLocation", 1); // open and authorized

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<StaffAccountService>().DisableAsync(TestUsers.Admin, user.Id)).Succeeded);

        await closed.WaitAsync(Patience);
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    [Fact]
    public async Task A_changed_security_stamp_closes_the_hub_connection_but_leaves_other_accounts_connected()
    {
        await using var app = Portal();
        var user = await NewStaffAsync(app);
        await using var hub = await app.HubAsync(user.Email!);
        await using var other = await app.HubAsync(DemoUsers.Staff);
        var closed = ClosedAsync(hub);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            Assert.True((await users.UpdateSecurityStampAsync((await users.FindByIdAsync(user.Id))!)).Succeeded);
        }

        await closed.WaitAsync(Patience);
        // The sweep that closed the first saw the second and kept it: it still answers.
        await other.InvokeAsync("JoinLocation", 1);
        Assert.Equal(HubConnectionState.Connected, other.State);
    }

    [Fact]
    public async Task Signing_out_a_bearer_session_closes_the_hub_connection_opened_with_its_token()
    {
        await using var app = Portal();
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var token = await ApiApp.LoginAsync(http, DemoUsers.Manager);
        await using var hub = new HubConnectionBuilder()
            .WithUrl($"{app.BaseUrl}{BalancesHub.Path}", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token.AccessToken)).Build();
        await hub.StartAsync();
        var closed = ClosedAsync(hub);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken) } };
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await http.SendAsync(logout)).StatusCode);

        await closed.WaitAsync(Patience);
    }

    [Fact]
    public async Task The_hub_connection_closes_when_its_bearer_token_expires()
    {
        await using var app = Portal(("Auth:BearerTokenExpiration", "00:00:08"), ("Auth:RevalidationInterval", "01:00:00"));
        await using var hub = await app.HubAsync(await app.CreateMemberLoginAsync(await FirstClientIdAsync(app))); // members connect with a bearer token
        var closed = ClosedAsync(hub);
        await hub.InvokeAsync("JoinClient", await FirstClientIdAsync(app));
        Assert.Equal(HubConnectionState.Connected, hub.State);

        await closed.WaitAsync(Patience);
    }

    private static async Task<int> FirstClientIdAsync(KestrelPortal app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        return await db.Clients.MinAsync(c => c.Id);
    }
}
