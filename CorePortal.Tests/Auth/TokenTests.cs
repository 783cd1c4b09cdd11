using System.Net;
using System.Net.Http.Json;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Auth;

[Collection(ApiApp.Collection)]
public sealed class TokenTests(ApiApp app)
{
    [Fact]
    public async Task Login_returns_a_bearer_token_that_expires_in_an_hour()
    {
        var token = await ApiApp.LoginAsync(await app.AsAsync(null), DemoUsers.Manager);

        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(3600, token.ExpiresIn);
        Assert.False(string.IsNullOrEmpty(token.RefreshToken));
    }

    [Fact]
    public async Task A_refresh_token_gets_a_new_token_that_works()
    {
        var client = await app.AsAsync(null);
        var first = await ApiApp.LoginAsync(client, DemoUsers.Staff);

        var response = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first.RefreshToken });
        var second = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", second!.AccessToken);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/clients")).StatusCode);
    }

    [Fact]
    public async Task A_bad_refresh_token_gets_401()
    {
        var response = await (await app.AsAsync(null)).PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_gets_401_problem_details()
    {
        var response = await (await app.AsAsync(null)).PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Admin, password = "nope-nope-nope" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_api_offers_no_registration_or_password_reset()
    {
        var client = await app.AsAsync(null);

        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/register", new { email = "x@y.z", password = "Whatever-123" })).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/forgotPassword", new { email = DemoUsers.Admin })).StatusCode);
    }
}

/// <summary>Own app each: the lockout and the sign-in limit must not spill into other tests.</summary>
[Collection(ApiApp.SignInCollection)]
public sealed class SignInLimitTests(SignInLimitTests.App app) : IClassFixture<SignInLimitTests.App>
{
    // The default limit, named here: PortalFactory raises it for the many sign-ins of the other tests.
    public sealed class App : PortalFactory
    {
        public App() => Settings["Auth:SignInsPerMinute"] = "10";
    }

    [Fact]
    public async Task The_eleventh_sign_in_in_a_minute_from_one_address_gets_429()
    {
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 11; i++)
        {
            last = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@demo.studio", password = "wrong-password" });
            statuses.Add(last.StatusCode);
        }

        Assert.All(statuses[..10], s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }
}

[Collection(ApiApp.SignInCollection)]
public sealed class TokenLockoutTests(PortalFactory app) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Trainer, password = "wrong-password" });

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Trainer, password = DemoUsers.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_account_cannot_refresh_its_token()
    {
        var client = app.CreateClient();
        var token = await ApiApp.LoginAsync(client, DemoUsers.Manager);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var manager = await users.FindByEmailAsync(DemoUsers.Manager);
            Assert.True((await scope.ServiceProvider.GetRequiredService<StaffAccountService>().DisableAsync(TestUsers.Admin, manager!.Id)).Succeeded);
        }

        var response = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = token.RefreshToken });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
