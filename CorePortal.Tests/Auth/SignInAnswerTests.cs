using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Auth;

/// <summary>
/// What a sign-in answers must not tell which accounts exist or are disabled: an unknown email, a wrong password and a
/// disabled login answer alike on the portal and on /api/auth/login (the members' app signs in there too), and each hashes
/// the password once.
/// </summary>
public sealed partial class SignInAnswerTests(SignInAnswerTests.App app) : IClassFixture<SignInAnswerTests.App>
{
    public sealed class App : PortalFactory
    {
        public CountingHasher Hasher { get; } = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<StaffUser>>(Hasher));
        }
    }

    /// <summary>The app's own hasher, counting how often it verifies a password.</summary>
    public sealed class CountingHasher : IPasswordHasher<StaffUser>
    {
        private readonly PasswordHasher<StaffUser> _inner = new();
        private int _verified;
        public int Verified => Volatile.Read(ref _verified);
        public string HashPassword(StaffUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(StaffUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verified);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private const string Unknown = "nobody-here@demo.studio";
    private const string Disabled = "disabled-desk@demo.studio";

    [Fact]
    public async Task An_unknown_email_a_wrong_password_and_a_disabled_login_get_the_same_page()
    {
        await DisabledLoginAsync();

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var (email, password) in new[] { (Unknown, DemoUsers.Password), (DemoUsers.Staff, "wrong-password"), (Disabled, DemoUsers.Password) })
        {
            var response = await PortalFactory.PostLoginAsync(Anonymous(), email, password);
            answers.Add((response.StatusCode, LoginError().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value));
        }

        Assert.Equal((HttpStatusCode.OK, SignInMessages.Failed), answers[0]);
        Assert.Equal([answers[0], answers[0]], answers[1..]);
    }

    [Fact]
    public async Task An_unknown_email_a_wrong_password_and_a_disabled_login_get_the_same_API_answer()
    {
        await DisabledLoginAsync();

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var (email, password) in new[] { (Unknown, DemoUsers.Password), (DemoUsers.Trainer, "wrong-password"), (Disabled, DemoUsers.Password) })
        {
            var response = await Anonymous().PostAsJsonAsync("/api/auth/login", new { email, password });
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            body.Remove("traceId"); // differs per request by design
            answers.Add((response.StatusCode, body.ToJsonString()));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, answers[0].Item1);
        Assert.Contains(SignInMessages.Failed, answers[0].Item2, StringComparison.Ordinal);
        Assert.Equal([answers[0], answers[0]], answers[1..]);
    }

    [Fact]
    public async Task An_unknown_email_runs_the_password_hasher_as_a_wrong_password_does()
    {
        var before = app.Hasher.Verified;
        await Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "never-seen@demo.studio", password = "a-guess-12345" });
        var forUnknown = app.Hasher.Verified - before;

        before = app.Hasher.Verified;
        await Anonymous().PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Trainer, password = "a-guess-12345" });
        var forWrongPassword = app.Hasher.Verified - before;

        Assert.Equal((1, 1), (forUnknown, forWrongPassword));
    }

    private HttpClient Anonymous() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task DisabledLoginAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        if (await users.FindByEmailAsync(Disabled) is not null) return;
        var user = new StaffUser { UserName = Disabled, Email = Disabled, EmailConfirmed = true, DisplayName = "Disabled Desk" };
        Assert.True((await users.CreateAsync(user, DemoUsers.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Staff)).Succeeded);
        Assert.True((await scope.ServiceProvider.GetRequiredService<StaffAccountService>().DisableAsync(TestUsers.Admin, user.Id)).Succeeded);
    }

    [GeneratedRegex("data-testid=\"login-error\">([^<]*)<")]
    private static partial Regex LoginError();
}

/// <summary>
/// The per-address sign-in limit (Auth:SignInsPerMinute) on the portal's sign-in page, one budget with /api/auth/login,
/// and behind a proxy counted per forwarded client address.
/// </summary>
[Collection(ApiApp.SignInCollection)]
public sealed partial class SignInAddressLimitTests
{
    [Fact]
    public async Task One_address_trying_one_password_against_many_accounts_is_stopped_on_the_portal()
    {
        await using var app = new PortalFactory { GeneratedClients = 0, Settings = { ["Auth:SignInsPerMinute"] = "3" } };
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var texts = new List<string>();
        foreach (var email in new[] { DemoUsers.Staff, DemoUsers.Trainer, "someone@demo.studio", DemoUsers.Manager })
            texts.Add(await (await PortalFactory.PostLoginAsync(client, email, "Summer2026!")).Content.ReadAsStringAsync());

        Assert.All(texts[..3], t => Assert.Contains(SignInMessages.Failed, t, StringComparison.Ordinal));
        Assert.Contains(WebUtility.HtmlEncode(SignInMessages.TooManyFromAddress), texts[3], StringComparison.Ordinal);
        // The budget is spent, not the account's: the right password from this address is refused too, until the minute is up.
        var right = await PortalFactory.PostLoginAsync(client, DemoUsers.Manager, DemoUsers.Password);
        Assert.NotEqual(HttpStatusCode.Redirect, right.StatusCode);
    }

    [Fact]
    public async Task The_portal_and_the_API_share_one_budget_per_address()
    {
        await using var app = new PortalFactory { GeneratedClients = 0, Settings = { ["Auth:SignInsPerMinute"] = "3" } };
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        for (var i = 0; i < 2; i++) await client.PostAsJsonAsync("/api/auth/login", new { email = DemoUsers.Staff, password = "wrong-password" });
        await PortalFactory.PostLoginAsync(client, DemoUsers.Trainer, "wrong-password");
        var fourth = await PortalFactory.PostLoginAsync(client, DemoUsers.Manager, DemoUsers.Password);

        Assert.Contains(WebUtility.HtmlEncode(SignInMessages.TooManyFromAddress), await fourth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_a_known_proxy_the_portal_counts_each_forwarded_client_address_on_its_own()
    {
        using var app = new KestrelPortal { GeneratedClients = 0, Settings = { ["Auth:SignInsPerMinute"] = "2", ["Proxy:KnownProxies"] = "127.0.0.1" } }.Start();

        var first = await PortalAttemptsAsync(app, "203.0.113.7", 3);
        var other = await PortalAttemptsAsync(app, "203.0.113.8", 1);

        Assert.Equal([false, false, true], first);
        Assert.Equal([false], other);
    }

    // Wrong-password sign-ins through the form, as from the forwarded address; true where the address limit answered.
    private static async Task<List<bool>> PortalAttemptsAsync(KestrelPortal app, string forwardedFor, int count)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        var limited = new List<bool>();
        for (var i = 0; i < count; i++)
        {
            using var response = await PortalFactory.PostLoginAsync(http, $"guess{i}@demo.studio", "wrong-password");
            limited.Add((await response.Content.ReadAsStringAsync()).Contains(WebUtility.HtmlEncode(SignInMessages.TooManyFromAddress), StringComparison.Ordinal));
        }
        return limited;
    }
}
