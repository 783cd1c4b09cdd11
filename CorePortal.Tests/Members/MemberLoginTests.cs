using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Credits;
using CorePortal.Features.Members;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Members;

/// <summary>Members' app logins: invited from the profile, activated through the emailed link, never a way into the portal.</summary>
[Collection(ApiApp.Collection)]
public sealed partial class MemberLoginTests(ApiApp app)
{
    [Fact]
    public async Task Staff_invite_a_client_who_chooses_a_password_through_the_link_once_and_signs_in_to_the_app()
    {
        var daniel = await app.ClientIdAsync("CP100004");
        Assert.Equal(AppLoginState.None, (await InScopeAsync<MemberAccountService, Features.Common.ServiceResult<AppLoginView>>(s => s.LoginOfAsync(Infrastructure.TestUsers.Staff, daniel))).Value!.State);

        var invited = await InScopeAsync<MemberAccountService, Features.Common.ServiceResult>(s => s.InviteAsync(TestUsers.Staff, daniel));
        Assert.True(invited.Succeeded, invited.Message);
        Assert.Equal(AppLoginState.Invited, (await InScopeAsync<MemberAccountService, Features.Common.ServiceResult<AppLoginView>>(s => s.LoginOfAsync(Infrastructure.TestUsers.Staff, daniel))).Value!.State);
        var mail = await app.WaitForMailAsync("daniel.okafor@example.com");
        var path = new Uri(Link().Match(mail.TextBody ?? "").Value).AbsolutePath;

        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await browser.GetStringAsync(path);
        Assert.Contains("daniel.okafor@example.com", page, StringComparison.Ordinal);
        var mismatch = await PostPasswordAsync(browser, path, page, "Strong-Password-1", "Strong-Password-2");
        Assert.Contains("The two passwords do not match.", mismatch, StringComparison.Ordinal);
        var saved = await PostPasswordAsync(browser, path, await browser.GetStringAsync(path), "Strong-Password-1", "Strong-Password-1");
        Assert.Contains("Your app login is ready: sign in to the app with daniel.okafor@example.com.", saved, StringComparison.Ordinal);
        Assert.Contains("This link is not valid any more.", await browser.GetStringAsync(path), StringComparison.Ordinal);

        var token = await ApiApp.LoginAsync(await app.AsAsync(null), "daniel.okafor@example.com", "Strong-Password-1");
        var member = await app.AsAsync(null);
        member.DefaultRequestHeaders.Authorization = new("Bearer", token.AccessToken);
        Assert.Equal("Daniel", (await member.GetFromJsonAsync<ClientProfile>("/api/me"))!.FirstName);
        Assert.Equal(AppLoginState.Active, (await InScopeAsync<MemberAccountService, Features.Common.ServiceResult<AppLoginView>>(s => s.LoginOfAsync(Infrastructure.TestUsers.Staff, daniel))).Value!.State);
    }

    [Fact]
    public async Task A_client_with_an_active_login_is_not_invited_again_and_trainers_cannot_invite()
    {
        var (maya, tom) = (await app.ClientIdAsync("CP100001"), await app.ClientIdAsync("CP100007"));

        var again = await InScopeAsync<MemberAccountService, Features.Common.ServiceResult>(s => s.InviteAsync(TestUsers.Staff, maya));
        var trainer = await InScopeAsync<MemberAccountService, Features.Common.ServiceResult>(s => s.InviteAsync(TestUsers.Trainer, tom));

        Assert.Equal("Maya Chen already has an app login.", again.Message);
        Assert.Equal(Features.Common.Outcome.Forbidden, trainer.Outcome);
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == "tom.becker@example.com")));
    }

    [Fact]
    public async Task A_member_cannot_sign_in_to_the_portal()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var response = await PortalFactory.PostLoginAsync(browser, DemoUsers.Maya, DemoUsers.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the form again, not a redirect into the portal
        Assert.Contains("This is a members&#x27; app login.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/clients")).StatusCode);
    }

    private async Task<TResult> InScopeAsync<TService, TResult>(Func<TService, Task<TResult>> call) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private static async Task<string> PostPasswordAsync(HttpClient browser, string path, string page, string password, string confirm) =>
        await (await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "activate",
            ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(page),
            ["Password"] = password,
            ["Confirm"] = confirm,
        }))).Content.ReadAsStringAsync();

    [GeneratedRegex(@"http\S+/app/activate/[A-Za-z0-9_-]+")]
    private static partial Regex Link();
}

/// <summary>Own app: the per-account limit must not spill into other tests.</summary>
[Collection(ApiApp.SignInCollection)]
public sealed class AccountSignInLimitTests(AccountSignInLimitTests.App app) : IClassFixture<AccountSignInLimitTests.App>
{
    public sealed class App : PortalFactory
    {
        public App() => Settings["Auth:SignInsPerAccountPerMinute"] = "3";
    }

    [Fact]
    public async Task The_fourth_sign_in_to_one_account_in_a_minute_gets_429_while_other_accounts_sign_in()
    {
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Trainer, password = "wrong-password" })).StatusCode);

        var fourth = await client.PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Trainer, password = DemoUsers.Password });
        var other = await client.PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Staff, password = DemoUsers.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Too many sign-in attempts for this account.", await fourth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_disabled_accounts_bearer_token_stops_working_at_once()
    {
        var client = app.CreateClient();
        var token = await ApiApp.LoginAsync(client, DemoUsers.Admin);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/locations")).StatusCode);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var admin = await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(DemoUsers.Admin);
            Assert.True((await scope.ServiceProvider.GetRequiredService<StaffAccountService>().DisableAsync(TestUsers.Admin, admin!.Id)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/locations")).StatusCode);
    }
}
