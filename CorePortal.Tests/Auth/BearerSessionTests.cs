using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Auth;

/// <summary>Bearer sessions: single-use refresh tokens with rotation, reuse ending the session, the absolute limit, sign-out.</summary>
public sealed class BearerSessionTests(BearerSessionTests.App app) : IClassFixture<BearerSessionTests.App>
{
    /// <summary>The app on a clock the tests move; sessions start 12 hours apart at most (the default absolute limit).</summary>
    public sealed class App : PortalFactory
    {
        public FixedClock Clock { get; } = new(DateTimeOffset.UtcNow);

        public App() => Settings["Auth:SignInsPerMinute"] = "1000";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
        }
    }

    private HttpClient Anonymous() => app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        Anonymous().PostAsJsonAsync("/api/auth/refresh", new { refreshToken });

    private async Task<HttpStatusCode> CallApiAsync(string accessToken)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return (await client.GetAsync("/api/clients")).StatusCode;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("The refresh token is not valid.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_answers_a_new_pair_and_the_refresh_token_it_spent_is_refused_afterwards()
    {
        var first = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);

        var refreshed = await RefreshAsync(first.RefreshToken);
        var second = await refreshed.Content.ReadFromJsonAsync<TokenResponse>();

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(first.RefreshToken, second!.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await CallApiAsync(second.AccessToken));
        await AssertRefusedAsync(await RefreshAsync(first.RefreshToken));
    }

    [Fact]
    public async Task Presenting_a_spent_refresh_token_ends_the_whole_session_so_the_newest_tokens_stop_working_too()
    {
        var first = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);
        var second = await (await RefreshAsync(first.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>();
        var otherSession = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);

        await AssertRefusedAsync(await RefreshAsync(first.RefreshToken)); // a thief, or a replay

        await AssertRefusedAsync(await RefreshAsync(second!.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(second.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await CallApiAsync(otherSession.AccessToken)); // the account's other sign-ins go on
    }

    [Fact]
    public async Task Two_refreshes_with_one_token_at_once_give_one_pair_and_end_the_session()
    {
        var first = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);

        var answers = await Task.WhenAll(RefreshAsync(first.RefreshToken), RefreshAsync(first.RefreshToken));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var winner = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<TokenResponse>();
        await AssertRefusedAsync(await RefreshAsync(winner!.RefreshToken));
    }

    [Fact]
    public async Task A_refresh_after_the_absolute_limit_since_sign_in_is_refused()
    {
        var first = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);
        app.Clock.Now += TimeSpan.FromHours(11);
        var refreshed = await RefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode); // within 12 hours, however many refreshes
        var second = await refreshed.Content.ReadFromJsonAsync<TokenResponse>();

        app.Clock.Now += TimeSpan.FromHours(1.5);

        await AssertRefusedAsync(await RefreshAsync(second!.RefreshToken));
    }

    [Fact]
    public async Task Logout_ends_the_session_of_its_token_refusing_its_access_and_refresh_tokens()
    {
        var session = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);
        var otherSession = await ApiApp.LoginAsync(Anonymous(), DemoUsers.Staff);
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);

        var response = await client.PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(session.AccessToken));
        await AssertRefusedAsync(await RefreshAsync(session.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await CallApiAsync(otherSession.AccessToken));
    }

    [Fact]
    public async Task Logout_without_a_bearer_token_is_refused()
    {
        var response = await Anonymous().PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
